/**
 * The edge of the dashboard: what one rollout looks like right now, read from its store (state
 * and the journal's tail) and from a dry-run check of its surfaces (nothing is written).
 */
import { tailLines } from './tail-lines.js';
import { check } from '../engine/check.js';
import type { SurfaceContext } from '../engine/surface-context.js';
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
  // With traces on, passing gates also say what they saw (the page's "saw" column).
  const result = check(spec, state, observe(spec, state, root), nowMs, { dryRun: true });
  return { spec, state, preview: result.record, previewContexts: result.context.surfaces, history: journalTail(store.journalPath), error: null };
}

/** The last records of a journal, read from its end (a journal grows for ever). */
export function journalTail(path: string, limit = HISTORY_RECORDS): DecisionRecord[] {
  const out: DecisionRecord[] = [];
  for (const line of tailLines(path, HISTORY_BYTES)) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as DecisionRecord);
    } catch {
      // A torn last line (a crash mid-append) is journal --verify's business, not the chart's.
    }
  }
  return out.slice(-limit);
}
