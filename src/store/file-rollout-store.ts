/** The file store of one rollout: `<store>/<rollout>/` with rollout.json, the hash-chained journal, the audit log, incidents. */
import { closeSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RolloutState } from '../engine/state.js';
import { mkdirAsync } from './async-fs.js';
import { fsyncDir, stageFileAsync, writeFileAtomic } from './atomic-file.js';
import { appendAudit, auditLineOf, hasAuditLine, readAuditLines } from './audit.js';
import { faultPoint } from './fault.js';
import { makeDirs } from './make-dirs.js';
import { removeDeadLockFiles } from './lock.js';
import { appendPreparedAsync, lastJournalRecord, openJournalAsync, prepareAppend, type Appended, type PreparedAppend } from './journal.js';
import { StoreError, writeFailure } from './store-error.js';
import { instantProblem } from '../time/instant.js';

const STAGED_FILE = 'rollout.json.next';
const JOURNAL_FILE = 'decisions.jsonl';

export class RolloutFolder {
  readonly dir: string;

  constructor(storeDir: string, rollout: string) {
    this.dir = join(storeDir, rollout);
  }

  get statePath() { return join(this.dir, 'rollout.json'); }
  /** The next state, written before its record is journaled (see commitAsync()). */
  get stagedPath() { return join(this.dir, STAGED_FILE); }
  get journalPath() { return join(this.dir, JOURNAL_FILE); }
  get auditPath() { return join(this.dir, 'actions-audit.jsonl'); }
  get lockPath() { return join(this.dir, 'lock'); }
  get incidentsDir() { return join(this.dir, 'incidents'); }
  get hookRecordPath() { return join(this.dir, 'hook-record.json'); }

  /** Creates the rollout's folder (and the store's missing levels, one at a time): 73 when it cannot be. */
  ensure(): void {
    try {
      makeDirs(this.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'an error';
      throw new StoreError(`cannot write ${this.dir} (${code}): the store must be a directory rollgate can create and write (default <root>/.rollgate); pick another with --store`, 73);
    }
  }

  /**
   * ensure(), with the common cases' disk waits off the main thread: the folder is there (one
   * stat), or only its last level is missing (one mkdir, a rollout's first check). Anything
   * else (missing parents, a file in the way) takes ensure()'s path and says what it says.
   */
  async ensureAsync(): Promise<void> {
    try {
      if (statSync(this.dir, { throwIfNoEntry: false })?.isDirectory()) return;
      await mkdirAsync(this.dir);
      return;
    } catch {
      // ensure() finds out what is wrong (or makes the missing levels)
    }
    this.ensure();
  }

  /** The remembered state, null before the first check; a corrupt file is an error (65), never a fresh start. */
  load(): RolloutState | null {
    if (!existsSync(this.statePath)) return null;
    let state: RolloutState;
    try {
      state = JSON.parse(readFileSync(this.statePath, 'utf8')) as RolloutState;
    } catch (err) {
      throw new StoreError(`${this.statePath} is not valid JSON (${(err as Error).message}); restore it from a backup, or move it aside to start the rollout again`, 65);
    }
    if (state?.schema_version !== 1 || typeof state.phase?.name !== 'string' || typeof state.checks !== 'number') {
      throw new StoreError(`${this.statePath} is not a rollgate rollout state (schema_version 1); restore it, or move it aside to start again`, 65);
    }
    const bad = stateInstantProblem(state);
    if (bad) throw new StoreError(`${this.statePath} is corrupt: ${bad}; an older rollgate accepted such a --now. Restore the file from a backup, or move it aside to start the rollout again`, 65);
    return state;
  }

  save(state: RolloutState): void {
    writeFileAtomic(this.statePath, JSON.stringify(state, null, 2) + '\n');
  }

  /**
   * Applies a check or an action: the next state is staged beside rollout.json, the record is
   * journaled, then the staged state is renamed into place. A crash at any point leaves either
   * nothing applied (the staged file is discarded by recover()) or a journaled record whose
   * state recover() rolls forward: never a state without its record, never a check twice.
   *
   * Three fsyncs, not four, and two of them at once. The journal is opened (created, on the
   * first check) before the state is staged, so the staging's directory fsync makes the names of
   * both the staged file and a new journal durable; the staged file is renamed as soon as it is
   * written, so that fsync runs beside the file's own (atomic-file.ts, stageFileAsync). The final
   * rename needs none: until it reaches the disk, a power cut leaves the journaled record and its
   * staged state on disk, which is the state of a crash after the journal write, and recover()
   * finishes that commit.
   *
   * The disk waits (the creates and the three fsyncs) are on the thread pool: commits of several
   * rollouts (`run --once`) then wait on the disk together, and one commit makes its record's
   * bytes while its staged state's fsync waits.
   */
  async commitAsync(next: RolloutState, record: object, meanwhile?: () => void): Promise<Appended> {
    const journal = await openJournalAsync(this.journalPath);
    let appended: Appended;
    try {
      const staging = await stageFileAsync(this.stagedPath, JSON.stringify(next, null, 2) + '\n');
      // The record's bytes are made while the staged state waits on the disk; none reach the
      // journal before that state is durable.
      let prepared: PreparedAppend;
      try {
        prepared = prepareAppend(journal, this.journalPath, record);
        await staging.durable;
      } catch (err) {
        await staging.durable.catch(() => {});
        rmSync(this.stagedPath, { force: true });
        throw err;
      }
      faultPoint('after-stage');
      try {
        appended = await appendPreparedAsync(journal, this.journalPath, prepared, meanwhile);
      } catch (err) {
        // Not journaled, so not applied: the staged state goes (recover() would discard it too).
        rmSync(this.stagedPath, { force: true });
        throw err;
      }
    } finally {
      closeSync(journal);
    }
    faultPoint('after-journal');
    try {
      renameSync(this.stagedPath, this.statePath);
    } catch (err) {
      throw writeFailure(err, this.statePath);
    }
    return appended;
  }

  /**
   * Finishes or discards a commit a crash interrupted (call under the lock, before load()).
   * Returns what it did, in a sentence, or null when there was nothing to do.
   */
  recover(): string | null {
    // One listing answers what is there (a staged state, a journal) without a call per file.
    const names = this.sweepTempFiles();
    const notes = [this.finishCommit(names), this.restoreAudit(names)].filter((n): n is string => n !== null);
    return notes.length ? notes.join('; ') : null;
  }

  private finishCommit(names: ReadonlySet<string> | null): string | null {
    const interrupted = this.interrupted(names);
    if (!interrupted) return null;
    const { staged, journaled } = interrupted;
    try {
      if (journaled) {
        renameSync(this.stagedPath, this.statePath);
        fsyncDir(this.dir);
        return `completed check ${staged!.checks}, which a crash interrupted after it was journaled (its state is now saved)`;
      }
      rmSync(this.stagedPath, { force: true });
      return staged ? `discarded check ${staged.checks}, which a crash interrupted before it was journaled (it was never applied)` : 'discarded an unreadable staged state left by a crash';
    } catch (err) {
      throw writeFailure(err, this.stagedPath);
    }
  }

  /**
   * A manual action is journaled, then audited: a crash in between leaves the last record
   * without its audit line. Every locked operation runs this first, so only the last record
   * can lack one; it is derived from the record and appended.
   */
  private restoreAudit(names: ReadonlySet<string> | null): string | null {
    if (names && !names.has(JOURNAL_FILE)) return null; // no journal, no record to audit
    const last = lastJournalRecord(this.journalPath);
    const line = last ? auditLineOf(last) : null;
    if (!line || hasAuditLine(readAuditLines(this.auditPath), line)) return null;
    appendAudit(this.auditPath, line);
    return `restored the audit line of check ${String(last!.check)} (${line.action} by ${line.actor}), which a crash lost after the action was journaled`;
  }

  /**
   * A commit a crash interrupted, if the staged file is there: the staged state (null when
   * unreadable) and whether its record made it into the journal (then it is the real state).
   */
  private interrupted(names: ReadonlySet<string> | null = null): { staged: RolloutState | null; journaled: boolean } | null {
    if (names ? !names.has(STAGED_FILE) : !existsSync(this.stagedPath)) return null;
    let staged: RolloutState | null;
    try {
      staged = JSON.parse(readFileSync(this.stagedPath, 'utf8')) as RolloutState;
    } catch {
      staged = null;
    }
    const last = lastJournalRecord(this.journalPath);
    const journaled = staged !== null && last !== null && last.check === staged.checks && (this.load()?.checks ?? 0) < staged.checks;
    return { staged, journaled };
  }

  /**
   * Temp files of atomic writes and of the lock that a crash left (the lock holder is the only
   * writer). Returns the names of the folder's files, or null when it cannot be listed (none yet).
   */
  private sweepTempFiles(): ReadonlySet<string> | null {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return null; // No store directory yet: nothing to sweep.
    }
    for (const name of names) if (/\.tmp-\d+-[a-z0-9]+$/.test(name)) rmSync(join(this.dir, name), { force: true });
    removeDeadLockFiles(this.lockPath, names);
    return new Set(names);
  }

  /** The check whose commit a crash interrupted after journaling it (recover() completes it), or null. */
  interruptedJournaledCheck(): number | null {
    const interrupted = this.interrupted();
    return interrupted?.journaled ? interrupted.staged!.checks : null;
  }

  /** What the rollout's state is once recover() has run, without changing anything (status, journal --verify). */
  effectiveState(): RolloutState | null {
    const interrupted = this.interrupted();
    if (!interrupted?.journaled) return this.load();
    const bad = stateInstantProblem(interrupted.staged!);
    if (bad) throw new StoreError(`${this.stagedPath} is corrupt: ${bad}`, 65);
    return interrupted.staged;
  }
}

/** The first instant of a state that is out of range (`phase.entered_unix_ms is …`), or null. */
export function stateInstantProblem(state: RolloutState): string | null {
  const fields: [string, unknown][] = [
    ['started_unix_ms', state.started_unix_ms],
    ['last_check_unix_ms', state.last_check_unix_ms ?? 0],
    ['phase.entered_unix_ms', state.phase.entered_unix_ms],
    ['phase.soak_start_unix_ms', state.phase.soak_start_unix_ms],
    ['pause.since_unix_ms', state.pause ? state.pause.since_unix_ms : 0],
    ['terminal.at_unix_ms', state.terminal ? state.terminal.at_unix_ms : 0],
    ...(Array.isArray(state.pending_hooks) ? state.pending_hooks.map((h, i): [string, unknown] => [`pending_hooks[${i}].since_unix_ms`, h?.since_unix_ms]) : []),
  ];
  for (const [name, value] of fields) {
    const problem = instantProblem(value);
    if (problem) return `${name} = ${problem}`;
  }
  return null;
}
