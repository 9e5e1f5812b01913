/** Exit codes (DESIGN §5, contract). */
import type { Decision } from '../engine/state.js';

export const EXIT = {
  OK: 0, // promote, wait, complete; validate: all valid
  HOLD: 1,
  ROLLBACK: 2,
  USAGE: 64,
  INVALID: 65, // invalid spec or input data
  MISSING: 66, // a named file is missing
  INTERNAL: 70,
  STORE_NOT_WRITABLE: 73,
  STORE_LOCKED: 75,
} as const;

/** The exit code of each decision: 0 promote, wait, complete; 1 hold; 2 rollback. */
export const EXIT_OF: Record<Decision, number> = { promote: EXIT.OK, wait: EXIT.OK, complete: EXIT.OK, hold: EXIT.HOLD, rollback: EXIT.ROLLBACK };
