/**
 * DESIGN §3's windows, from cumulative tallies saved at phase entry and at each check:
 * total = everything read; phase = since the phase was entered; check = since the previous
 * check; previous_check = the window before that. Lines already in the log when a rollout
 * starts are history: the first check saves the phase-entry tally after reading them.
 */
import { windowBetween, type LogTally, type TallyWindow } from './log-tally.js';

export interface SavedTallies {
  /** Tally when the current phase was entered (null: entered at this check). */
  phaseEntry: LogTally | null;
  /** Tally at the previous check (null: this is the first check). */
  lastCheck: LogTally | null;
  /** Tally at the check before the previous one. */
  checkBefore: LogTally | null;
}

export interface EventWindows {
  total: TallyWindow;
  phase: TallyWindow;
  check: TallyWindow;
  previous_check: TallyWindow;
}

export function eventWindows(now: LogTally, saved: SavedTallies): EventWindows {
  const phaseEntry = saved.phaseEntry ?? now;
  const lastCheck = saved.lastCheck ?? phaseEntry;
  return {
    total: windowBetween(now, null),
    phase: windowBetween(now, phaseEntry),
    check: windowBetween(now, lastCheck),
    previous_check: saved.lastCheck === null ? windowBetween(now, now) : windowBetween(saved.lastCheck, saved.checkBefore ?? saved.lastCheck),
  };
}
