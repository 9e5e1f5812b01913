/**
 * The edge of the dashboard: what one rollout looks like right now, read from its store (state
 * and the journal's tail) and from a dry-run check of its surfaces (nothing is written).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { check, checkContext } from '../engine/check.js';
import type { SurfaceContext } from '../observe/surface-observation.js';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { observe } from '../runner/run-check.js';
import type { Spec } from '../spec/types.js';
import { RolloutStore } from '../store/rollout-store.js';

/** How much of the journal's end is read for the history chart. */
const HISTORY_BYTES = 512 * 1024;
export const HISTORY_RECORDS = 500;

export interface RolloutView {
  spec: Spec;
  state: RolloutState | null;
  /** What a check would decide now (dry run), or null when the store cannot be read. */
  preview: DecisionRecord | null;
  /** What the rules would read of each surface now (age, health fields, invalid lines). */
  previewContexts: Record<string, SurfaceContext> | null;
  /** The last journaled records, oldest first. */
  history: DecisionRecord[];
  /** Why the store could not be read (corrupt rollout.json), if so. */
  error: string | null;
}

export function readRolloutView(spec: Spec, root: string, storeDir: string, nowMs: number): RolloutView {
  const store = new RolloutStore(storeDir, spec.name);
  let state: RolloutState | null;
  try {
    state = store.load();
  } catch (err) {
    return { spec, state: null, preview: null, previewContexts: null, history: [], error: (err as Error).message };
  }
  const obs = observe(spec, state, root);
  // With traces on, passing gates also say what they saw (the page's "saw" column).
  const preview = check(spec, state, obs, nowMs, { dryRun: true }).record;
  const previewContexts = checkContext(spec, state, obs, nowMs).surfaces;
  return { spec, state, preview, previewContexts, history: journalTail(store.journalPath), error: null };
}

/** The last records of a journal, read from its end (a journal grows for ever). */
export function journalTail(path: string, limit = HISTORY_RECORDS): DecisionRecord[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - HISTORY_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // begins mid-line
    const out: DecisionRecord[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as DecisionRecord);
      } catch {
        // A torn last line (a crash mid-append) is journal --verify's business, not the chart's.
      }
    }
    return out.slice(-limit);
  } finally {
    closeSync(fd);
  }
}
