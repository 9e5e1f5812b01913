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

/**
 * `--no-fail` (evaluate, run --once, validate, test), the way conftest's is: the command's
 * verdict (a hold or rollback, invalid specs, failing cases) is reported and exits 0; errors
 * (a usage error, a missing file, an unwritable or locked store, an internal error) still fail.
 * For validate, invalid specs (65) are its verdict; corrupt store data never reaches validate.
 */
export function noFail(code: number, verdict: readonly number[]): number {
  return verdict.includes(code) ? EXIT.OK : code;
}

/** What --no-fail turns into 0, per command. */
export const VERDICTS = {
  evaluate: [EXIT.HOLD, EXIT.ROLLBACK],
  run: [EXIT.HOLD, EXIT.ROLLBACK],
  validate: [EXIT.INVALID],
  test: [EXIT.HOLD],
} as const;
