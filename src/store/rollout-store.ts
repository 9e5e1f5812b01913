/**
 * Where a rollout's memory lives: its state, the hash-chained journal of decisions, the audit
 * lines of manual actions, incident bundles and the lock that makes one evaluator at a time the
 * writer. The edge loop (runner/operate.ts) talks to this interface only; the file store
 * (file-store.ts) is the embedded default, memory-store.ts serves simulate, and a shared store
 * (PostgreSQL) is one more implementation.
 *
 * Every method may throw a StoreError: 75 when another evaluator holds the rollout, 73 when the
 * store cannot be written, 65 when what it reads back is corrupt.
 */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import type { AuditLine } from './audit.js';
import type { JournalCheck } from './journal-check.js';

export interface StoreLock {
  /** A sentence when a dead holder's lock was taken over (it goes into the record's notes). */
  readonly recovered: string | null;
  release(): Promise<void>;
}

export interface Committed {
  /** A sentence when the journal's torn last line was repaired before this append. */
  repaired: string | null;
}

export interface RolloutStore {
  readonly rollout: string;
  /** Where the rollout lives, for messages (a folder; a database URL with its password masked). */
  readonly location: string;
  /** Where the journal is, for messages (`<dir>/decisions.jsonl`; a table). */
  readonly journalLocation: string;
  /** Where hook commands find the record they act on (`ROLLGATE_RECORD`); null when hooks cannot run. */
  readonly hookRecordPath: string | null;

  /** Takes the rollout's lock (creating what the store needs first). */
  lock(): Promise<StoreLock>;
  /** Finishes or undoes what a crash interrupted (under the lock, before load): a sentence, or null. */
  recover(): Promise<string | null>;
  /** The remembered state; null before the first check. */
  load(): Promise<RolloutState | null>;
  /** Saves a state without a record (a terminal rollout's retried hooks). */
  save(state: RolloutState): Promise<void>;
  /**
   * Journals the record and saves the state it leads to, all or nothing. `meanwhile` is the
   * caller's own work (rendering its output) to do while the commit waits on the disk: called at
   * most once, before the commit settles; it must not throw.
   */
  commit(next: RolloutState, record: DecisionRecord, meanwhile?: () => void): Promise<Committed>;
  /** Appends a manual action's audit line (after its commit). */
  audit(line: AuditLine): Promise<void>;
  /**
   * Keeps the evidence of a rollback (the record, the surfaces' files): the sentence for the
   * record's notes, or null when this store keeps no incidents.
   */
  writeIncident(spec: Spec, record: DecisionRecord, before: RolloutState | null, resolveDir: (stateDir: string) => string): Promise<string | null>;

  /** The last `limit` journaled records, oldest first (the dashboard's history); never throws for a torn line. */
  history(limit: number): Promise<DecisionRecord[]>;
  /** The whole journal, its hash chain checked record by record, and the state and audit against it. */
  verify(): Promise<JournalCheck>;
  /** Lets go of what the store holds open (a database session); the lock is released first. */
  close(): Promise<void>;
}
