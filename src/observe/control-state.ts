/**
 * The dashboard's control-state.json (tau-formats §6). The producer writes it without an atomic
 * rename, so a reader may find it half-written: missing or unparsable means running.
 */
import { readFileSync, statSync } from 'node:fs';

export const CONTROL_STATE_FILE = 'control-state.json';

export interface ControlState {
  mode: 'running' | 'paused';
  present: boolean;
  updated_unix_ms: number | null;
  last_action: unknown;
  /** Why the file was ignored, when it was. */
  note: string | null;
}

export function parseControlState(text: string | null): ControlState {
  const running = (note: string | null, present: boolean): ControlState => ({ mode: 'running', present, updated_unix_ms: null, last_action: null, note });
  if (text === null) return running(null, false);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return running('control-state.json is not valid JSON (possibly half-written); treated as running', true);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return running('control-state.json is not a JSON object; treated as running', true);
  }
  const v = value as Record<string, unknown>;
  return {
    mode: v.mode === 'paused' ? 'paused' : 'running',
    present: true,
    updated_unix_ms: typeof v.updated_unix_ms === 'number' ? v.updated_unix_ms : null,
    last_action: v.last_action ?? null,
    note: v.mode === 'paused' || v.mode === 'running' ? null : `control-state.json has mode ${JSON.stringify(v.mode)}; treated as running`,
  };
}

export function readControlState(path: string): ControlState {
  let text: string | null = null;
  // Most surfaces have no control state: look before reading (a thrown ENOENT costs more).
  if (statSync(path, { throwIfNoEntry: false })) {
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = null;
    }
  }
  return parseControlState(text);
}
