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

export interface Observations {
  surfaces: Record<string, SurfaceObservation>;
  inputs: Record<string, InputObservation>;
}
