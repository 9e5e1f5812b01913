/** What the edge read for one check: the engine's only view of the world. */
import type { ControlState } from '../observe/control-state.js';
import type { EventCursor } from '../observe/event-cursor.js';
import type { StateRead } from '../observe/state-file.js';

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
