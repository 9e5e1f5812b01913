/** What the edge read for one check: the engine's only view of the world. */
import type { DetectedKind } from '../tau/surface-kind.js';
import type { HealthSnapshot } from '../tau/health.js';
import type { LogTally } from './log-tally.js';

/** state.json as read: what it says, or why it cannot be used. */
export type StateRead =
  | { present: true; state: Record<string, unknown>; health: HealthSnapshot; kind: DetectedKind; bytes: number }
  | { present: false; reason: string };

/** control-state.json as read (observe/control-state.ts says how each text maps to a mode). */
export type ControlMode = 'running' | 'paused' | 'unknown';

export interface ControlState {
  mode: ControlMode;
  present: boolean;
  updated_unix_ms: number | null;
  last_action: unknown;
  /** Why the mode is unknown (a sentence ending "holding until it says running or paused"); null otherwise. */
  note: string | null;
}

/** No control-state.json: running. */
export const RUNNING: ControlState = { mode: 'running', present: false, updated_unix_ms: null, last_action: null, note: null };

/** Where an event cursor stopped reading, and how it recognizes the file again. */
export interface FilePosition {
  dev: string;
  ino: string;
  offset: number;
  /** Hex of the file's first min(offset, 64) bytes: tells a reused inode or a rewritten file. */
  head: string;
  /**
   * Hex of the min(offset, 64) bytes just before the offset: tells content rewritten with the
   * same first bytes (copytruncate), and finds a copy of the file by its content. Cursors saved
   * by older versions lack it: their file matches only if the byte before the offset is a newline.
   */
  tail?: string;
  /** The file's birth time (ns) where the filesystem keeps one: tells a reused inode. */
  born?: string;
}

export interface EventCursor {
  version: 1;
  /** Where reading stopped, in the last file read; null before any log existed. */
  position: FilePosition | null;
  /** Everything counted since the cursor was created (the `total` window). */
  tally: LogTally;
}

export interface SurfaceObservation {
  state: StateRead;
  control: ControlState;
  events: {
    present: boolean;
    /** The cursor after this read; its tally is the `total` window. */
    cursor: EventCursor;
    notes: string[];
    /** Why this read alone cannot be trusted (an unfinished line that may carry codes, a failed read): its windows are unknown at this check. */
    unsettled?: string | null;
  };
}

export type InputObservation =
  | { status: 'loaded'; file: string; value: unknown }
  /** Optional and absent: reads as null. */
  | { status: 'absent'; file: string }
  /** Required and absent, or unreadable: rules that read it error (and hold). */
  | { status: 'missing' | 'invalid'; file: string; error: string };

/**
 * What a metric answered at one check. `kind` says what the answer was:
 * - `scalar`: one number (a Prometheus scalar, a one-series vector, a reduced vector, a JSON number);
 * - `empty`: no data (an empty vector, a JSON null): `value` is null;
 * - `nan` / `inf`: the answer was NaN or ±Inf: `value` is null, rules reading it error;
 * - `string` / `boolean`: a JSON endpoint's string or boolean.
 */
export type MetricKind = 'scalar' | 'empty' | 'nan' | 'inf' | 'string' | 'boolean';

export type MetricObservation =
  | {
      ok: true;
      source: 'prometheus' | 'http';
      /** The rendered query (Prometheus) or `GET <url> <pointer>` (http), credentials masked. */
      query: string;
      /** The `time=` of the instant query (the check's now); for http, the check's now. */
      time_unix_ms: number;
      /** The raw answer's shape in words: `vector of 1 series`, `scalar`, `vector of 3 series reduced by max`, `JSON number`. */
      shape: string;
      kind: MetricKind;
      /** The number (or JSON string/boolean) judged; null for empty, nan and inf. */
      value: number | string | boolean | null;
      /** Series in the answer (1 for a scalar or a JSON value, 0 for no data). */
      samples: number;
    }
  | {
      ok: false;
      source: 'prometheus' | 'http';
      query: string;
      time_unix_ms: number;
      /** Why there is no answer, in a sentence naming the address (credentials masked). */
      error: string;
    };

export interface Observations {
  surfaces: Record<string, SurfaceObservation>;
  inputs: Record<string, InputObservation>;
  /** One answer per declared metric (absent: no metric was read, e.g. an older caller). */
  metrics?: Record<string, MetricObservation>;
}
