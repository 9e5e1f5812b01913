/**
 * A rollout's files in process, on real folders: commitAsync() stages, journals, then renames; after
 * a crash between those steps, recover() rolls a journaled state forward and discards one that
 * never made it into the journal, so a check is applied once or not at all.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RolloutState } from '../../src/engine/state.js';
import { readAuditLines } from '../../src/store/audit.js';
import { verifyJournal } from '../../src/store/journal.js';
import { RolloutFolder } from '../../src/store/file-rollout-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { appendRecord } from '../helpers/journal.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');

/** The state after `checks` checks, all in canary-1. */
const stateAfter = (checks: number): RolloutState => ({
  schema_version: 1, rollout: 'web', spec_digest: 'sha256:test', status: 'progressing', checks,
  started_unix_ms: T0, last_check_unix_ms: checks ? T0 + checks * 60_000 : null,
  phase: { index: 0, name: 'canary-1', entered_unix_ms: T0, checks, soak_start_unix_ms: T0, passing_checks: checks },
  pause: null, streaks: {}, surfaces: {}, last_decision: checks ? 'wait' : null, terminal: null, pending_hooks: [],
});
const recordOf = (checks: number, extra: object = {}) => ({ schema_version: 1, rollout: 'web', check: checks, evaluated_unix_ms: T0 + checks * 60_000, decision: 'wait', status: 'progressing', ...extra });

/** A store with `n` checks applied the normal way. */
async function storeWith(n: number): Promise<RolloutFolder> {
  const store = new RolloutFolder(tempDir('store'), 'web');
  store.ensure();
  for (let i = 1; i <= n; i++) await store.commitAsync(stateAfter(i), recordOf(i));
  return store;
}
const stage = (store: RolloutFolder, state: RolloutState) => writeFileSync(store.stagedPath, JSON.stringify(state));

describe('commit (commitAsync: run --once has several in flight)', () => {
  it('saves the state and journals its record, leaving nothing staged', async () => {
    const store = await storeWith(2);
    expect(store.load()?.checks).toBe(2);
    expect(existsSync(store.stagedPath)).toBe(false);
    const v = verifyJournal(store.journalPath);
    expect(v.ok).toBe(true);
    expect(v.entries.map((e) => e.record.check)).toEqual([1, 2]);
    expect(readdirSync(store.dir).sort()).toEqual(['decisions.jsonl', 'rollout.json']);
    expect(store.recover()).toBeNull(); // nothing was interrupted
  });

  it('commits of several rollouts at once each land whole in their own folder', async () => {
    const root = tempDir('store');
    const folders = Array.from({ length: 8 }, (_, i) => new RolloutFolder(root, `r${i}`));
    await Promise.all(folders.map(async (f) => {
      await f.ensureAsync();
      for (let i = 1; i <= 3; i++) await f.commitAsync(stateAfter(i), recordOf(i));
    }));
    for (const f of folders) {
      expect(f.load()?.checks).toBe(3);
      expect(verifyJournal(f.journalPath).entries.map((e) => e.record.check)).toEqual([1, 2, 3]);
      expect(readdirSync(f.dir).sort()).toEqual(['decisions.jsonl', 'rollout.json']);
    }
  });

  it('a record that cannot be journaled is not applied: the state stays, nothing is staged', async () => {
    // A journal that cannot be written: a directory in its place.
    const store = new RolloutFolder(tempDir('store'), 'web');
    store.ensure();
    store.save(stateAfter(1));
    mkdirSync(store.journalPath);
    await expect(store.commitAsync(stateAfter(2), recordOf(2))).rejects.toThrow(/cannot write .*decisions\.jsonl: it is a directory, where rollgate keeps a file/);
    expect(store.load()?.checks).toBe(1);
    expect(existsSync(store.stagedPath)).toBe(false);
  });

  it('cuts a torn last line off first and says so', async () => {
    const store = await storeWith(1);
    writeFileSync(store.journalPath, readFileSync(store.journalPath, 'utf8') + '{"schema_version":1,"chec');
    const { repaired } = await store.commitAsync(stateAfter(2), recordOf(2));
    expect(repaired).toMatch(/^cut off a torn last line of .*decisions\.jsonl \(25 bytes, a crash mid-append; that check was never applied\)$/);
    expect(verifyJournal(store.journalPath).entries.map((e) => e.record.check)).toEqual([1, 2]);
  });

  it('ensureAsync makes the missing levels of the store, and says 73 where a file is in the way', async () => {
    const root = tempDir('store');
    await new RolloutFolder(join(root, 'a', 'b'), 'web').ensureAsync();
    expect(existsSync(join(root, 'a', 'b', 'web'))).toBe(true);
    writeFileSync(join(root, 'file'), '');
    const err = await new RolloutFolder(join(root, 'file'), 'web').ensureAsync().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).exitCode).toBe(73);
  });
});

describe('recover after a crash', () => {
  it('rolls a staged state forward when its record was journaled (crash after the journal append)', async () => {
    const store = await storeWith(1);
    stage(store, stateAfter(2));
    await appendRecord(store.journalPath, recordOf(2));
    expect(store.interruptedJournaledCheck()).toBe(2);
    expect(store.effectiveState()?.checks).toBe(2); // what status shows before anything is changed
    expect(store.load()?.checks).toBe(1);
    expect(store.recover()).toBe('completed check 2, which a crash interrupted after it was journaled (its state is now saved)');
    expect(store.load()?.checks).toBe(2);
    expect(existsSync(store.stagedPath)).toBe(false);
    expect(store.recover()).toBeNull(); // done once
  });

  it('discards a staged state whose record never reached the journal (crash before the append)', async () => {
    const store = await storeWith(1);
    stage(store, stateAfter(2));
    expect(store.interruptedJournaledCheck()).toBeNull();
    expect(store.effectiveState()?.checks).toBe(1);
    expect(store.recover()).toBe('discarded check 2, which a crash interrupted before it was journaled (it was never applied)');
    expect(store.load()?.checks).toBe(1);
    expect(existsSync(store.stagedPath)).toBe(false);
    expect(verifyJournal(store.journalPath).entries).toHaveLength(1);
  });

  it('discards a staged state that is already applied (crash after the rename of a previous commit left a copy)', async () => {
    const store = await storeWith(2);
    stage(store, stateAfter(2));
    expect(store.recover()).toMatch(/^discarded check 2/);
    expect(store.load()?.checks).toBe(2);
  });

  it('discards an unreadable staged file (a crash while staging)', async () => {
    const store = await storeWith(1);
    writeFileSync(store.stagedPath, '{"schema_version":1,"che');
    expect(store.recover()).toBe('discarded an unreadable staged state left by a crash');
    expect(store.load()?.checks).toBe(1);
  });

  it('on the first check of a rollout (no rollout.json yet) a journaled staged state becomes the state', async () => {
    const store = new RolloutFolder(tempDir('store'), 'web');
    store.ensure();
    stage(store, stateAfter(1));
    await appendRecord(store.journalPath, recordOf(1));
    expect(store.load()).toBeNull();
    expect(store.recover()).toMatch(/^completed check 1/);
    expect(store.load()?.checks).toBe(1);
  });

  it('restores the audit line of a journaled manual action that a crash lost', async () => {
    const store = await storeWith(1);
    await store.commitAsync(stateAfter(2), recordOf(2, { status: 'paused', override: { action: 'pause', actor: 'ann', reason: 'INC-7' } }));
    expect(readAuditLines(store.auditPath)).toEqual([]);
    expect(store.recover()).toBe('restored the audit line of check 2 (pause by ann), which a crash lost after the action was journaled');
    expect(readAuditLines(store.auditPath)).toEqual([expect.objectContaining({ action: 'pause', actor: 'ann', reason: 'INC-7', control_mode: 'paused', rollout: 'web', timestamp_unix_ms: T0 + 2 * 60_000 })]);
    expect(store.recover()).toBeNull(); // not appended twice
  });

  it('sweeps the temp files of writers that were killed, and keeps the real files', async () => {
    const store = await storeWith(1);
    writeFileSync(`${store.statePath}.tmp-999999-abc123`, '{');
    writeFileSync(`${store.lockPath}.stale-999999-x1`, '{}'); // a dead process's set-aside lock
    store.recover();
    expect(readdirSync(store.dir).sort()).toEqual(['decisions.jsonl', 'rollout.json']);
  });
});

describe('load', () => {
  it('a corrupt rollout.json is an error (exit 65), never a fresh start', async () => {
    const store = await storeWith(1);
    writeFileSync(store.statePath, '{"checks": 1');
    const err = (() => { try { store.load(); } catch (e) { return e; } })() as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.exitCode).toBe(65);
    expect(err.message).toMatch(/rollout\.json is not valid JSON/);
    writeFileSync(store.statePath, JSON.stringify({ schema_version: 2 }));
    expect(() => store.load()).toThrow(/is not a rollgate rollout state/);
    expect(readFileSync(store.statePath, 'utf8')).toBe(JSON.stringify({ schema_version: 2 })); // left for the operator
  });
});
