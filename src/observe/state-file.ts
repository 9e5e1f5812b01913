/**
 * state.json, read the way the producer defines it (tau-formats §2): every health field a
 * non-negative integer defaulting to 0, no `health` at all meaning all zeros, extra keys
 * ignored. A missing, unparsable or wrongly typed file is "unavailable", never healthy.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { detectKind, type DetectedKind } from './surface-kind.js';

export const STATE_FILE = 'state.json';
/** Far above any real snapshot; a bigger file is refused rather than parsed. */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

export const HEALTH_FIELDS = [
  'updated_unix_ms', 'cycle_duration_ms', 'queue_depth', 'active_runs', 'failure_streak',
  'last_cycle_discovered', 'last_cycle_processed', 'last_cycle_completed', 'last_cycle_failed', 'last_cycle_duplicates',
] as const;
export type HealthSnapshot = Record<(typeof HEALTH_FIELDS)[number], number>;

export type StateRead =
  | { present: true; state: Record<string, unknown>; health: HealthSnapshot; kind: DetectedKind; bytes: number }
  | { present: false; reason: string };

const ZERO_HEALTH = Object.fromEntries(HEALTH_FIELDS.map((f) => [f, 0])) as HealthSnapshot;

/** A fresh all-zero snapshot (a copy: callers fill it in). */
export function zeroHealth(): HealthSnapshot {
  return { ...ZERO_HEALTH };
}

/** Pure: the text of a state.json -> what it says, or why it cannot be used. */
export function parseState(text: string): StateRead {
  if (text.trim() === '') return { present: false, reason: 'state.json is empty (being written, or the disk was full)' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { present: false, reason: `state.json is not valid JSON (${(err as Error).message}); it may be half-written` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { present: false, reason: 'state.json is not a JSON object' };
  }
  const state = value as Record<string, unknown>;
  const health = zeroHealth();
  const raw = state.health;
  if (raw !== undefined) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return { present: false, reason: 'state.json has a `health` that is not an object' };
    }
    for (const field of HEALTH_FIELDS) {
      const v = (raw as Record<string, unknown>)[field];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        return { present: false, reason: `state.json has health.${field} = ${JSON.stringify(v)}; it must be a non-negative integer` };
      }
      health[field] = v;
    }
  }
  return { present: true, state, health, kind: detectKind(state), bytes: Buffer.byteLength(text) };
}

/** Reads <dir>/state.json. Never throws: a problem is an unavailable state with its reason. */
export function readStateFile(path: string): StateRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { present: false, reason: code === 'ENOENT' ? 'state.json does not exist (the runtime has not written it yet)' : `state.json cannot be read (${code})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { present: false, reason: 'state.json is not a regular file' };
    if (st.size > MAX_STATE_BYTES) return { present: false, reason: `state.json is ${st.size} bytes, over the ${MAX_STATE_BYTES}-byte limit` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return parseState(buf.toString('utf8', 0, got));
  } catch (err) {
    return { present: false, reason: `state.json cannot be read (${(err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}
