/** The edge: reads one state directory (state, control state, event log from a cursor). */
import { join } from 'node:path';
import { CONTROL_STATE_FILE, readControlState, type ControlState } from './control-state.js';
import { advanceCursor, type CursorAdvance, type EventCursor } from './event-cursor.js';
import { readStateFile, STATE_FILE, type StateRead } from './state-file.js';

export interface SurfaceFiles {
  state: StateRead;
  control: ControlState;
  events: CursorAdvance;
}

export function readSurfaceFiles(stateDir: string, cursor: EventCursor | null): SurfaceFiles {
  return {
    state: readStateFile(join(stateDir, STATE_FILE)),
    control: readControlState(join(stateDir, CONTROL_STATE_FILE)),
    events: advanceCursor(stateDir, cursor),
  };
}
