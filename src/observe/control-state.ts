/**
 * The dashboard's control-state.json (tau-formats §6). No file means running. A file that is
 * there but does not say exactly `"mode": "running"` or `"mode": "paused"` (unparsable, a
 * repeated key, a byte-order mark, `"Paused"`, `"halted"`, a number, no mode at all, not a
 * regular file, unreadable) is mode `unknown`: the surface holds, like a pause, until the file
 * says one of the two. The producer writes it without an atomic rename, so a reader may find it
 * half-written: that holds too (fail closed), and the next check reads it again.
 */
import { parseStrictJson } from './strict-json.js';
import { readUntrusted } from './untrusted-file.js';
import { RUNNING, type ControlState } from '../engine/observations.js';
import { CONTROL_STATE_FILE } from '../tau/files.js';

/** A real control state is a few hundred bytes. */
export const MAX_CONTROL_STATE_BYTES = 1024 * 1024;

const HOLDING = 'holding until it says running or paused';

/** An unknown control state: `why` is a sentence starting with the file's name. */
export function unknownControl(why: string): ControlState {
  return { mode: 'unknown', present: true, updated_unix_ms: null, last_action: null, note: `${why}: ${HOLDING}` };
}

/** The text of control-state.json (null: there is none) -> its mode. */
export function parseControlState(text: string | null): ControlState {
  if (text === null) return { ...RUNNING };
  if (text.trim() === '') return unknownControl(`${CONTROL_STATE_FILE} is empty (possibly half-written)`);
  if (text.charCodeAt(0) === 0xfeff) return unknownControl(`${CONTROL_STATE_FILE} starts with a byte-order mark, which the producer (serde) refuses`);
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    return unknownControl(parsed.error.startsWith('duplicate key')
      ? `${CONTROL_STATE_FILE} has a ${parsed.error}, so its mode is ambiguous`
      : `${CONTROL_STATE_FILE} is unreadable: not valid JSON (${parsed.error}), possibly half-written`);
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return unknownControl(`${CONTROL_STATE_FILE} is not a JSON object`);
  const v = value as Record<string, unknown>;
  if (v.mode !== 'running' && v.mode !== 'paused') {
    return unknownControl(v.mode === undefined ? `${CONTROL_STATE_FILE} has no mode` : `${CONTROL_STATE_FILE} has mode ${JSON.stringify(v.mode)}`);
  }
  return {
    mode: v.mode,
    present: true,
    updated_unix_ms: typeof v.updated_unix_ms === 'number' ? v.updated_unix_ms : null,
    last_action: v.last_action ?? null,
    note: null,
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads control-state.json without blocking (a FIFO in its place is refused). Never throws. */
export function readControlState(path: string): ControlState {
  // Absent unless the rollout was paused or resumed by hand: looked for without an exception.
  const read = readUntrusted(path, MAX_CONTROL_STATE_BYTES, CONTROL_STATE_FILE, true);
  if (!read.ok) return read.missing ? { ...RUNNING } : unknownControl(read.reason);
  let text: string;
  try {
    text = UTF8.decode(read.bytes);
  } catch {
    return unknownControl(`${CONTROL_STATE_FILE} is not valid UTF-8`);
  }
  return parseControlState(text);
}
