/** The files a Tau runtime writes in its state directory (tau-formats §1). */

/** The snapshot, rewritten by temp file and rename after every cycle. */
export const STATE_FILE = 'state.json';
/** The dashboard's operator control (mode running or paused), written in place. */
export const CONTROL_STATE_FILE = 'control-state.json';
/** One JSON cycle report per line, appended; rotated to `.1` … `.4`. */
export const EVENTS_LOG = 'runtime-events.jsonl';
