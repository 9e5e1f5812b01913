/**
 * `journal --verify` of the file store: the hash chain, rollout.json against the last record
 * (after any interrupted commit is accounted for), and the audit log against every journaled
 * manual action. Reads only.
 */
import { existsSync } from 'node:fs';
import type { RolloutState } from '../engine/state.js';
import type { RolloutFolder } from './file-rollout-store.js';
import { agreement, auditAgreement, type AuditAgreement, type StateAgreement } from './journal-agreement.js';
import { verifyJournal, type Verification } from './journal.js';

export interface JournalCheck {
  /** Neither a journal nor a state yet. */
  empty: boolean;
  verification: Verification;
  state: StateAgreement;
  audit: AuditAgreement;
  /** The chain is intact, and the state and the audit agree with it. */
  ok: boolean;
}

export const EMPTY_CHECK: JournalCheck = {
  empty: true,
  verification: { ok: true, entries: [], broken: null, badInstant: null },
  state: { ok: true, problem: null },
  audit: { ok: true, actions: 0, missing: [], problem: null },
  ok: true,
};

export function checkJournal(folder: RolloutFolder): JournalCheck {
  if (!existsSync(folder.journalPath) && !existsSync(folder.statePath)) return EMPTY_CHECK;
  const verification = verifyJournal(folder.journalPath);
  let state: RolloutState | null = null;
  let stateProblem: string | null = null;
  try {
    state = folder.effectiveState();
  } catch (err) {
    stateProblem = (err as Error).message;
  }
  const agree = stateProblem ? { ok: false, problem: stateProblem } : agreement(state, verification.entries[verification.entries.length - 1]?.record);
  const audit = auditAgreement(verification.entries, folder.auditPath, folder.interruptedJournaledCheck());
  return { empty: false, verification, state: agree, audit, ok: verification.ok && agree.ok && audit.ok };
}
