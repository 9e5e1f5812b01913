/**
 * The rollout lock in process, on a real folder: one holder at a time (exit 75 for the others),
 * released by its holder only, and taken over when its holder is dead or it is over an hour old.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, acquireLockAsync, STALE_LOCK_MS } from '../../src/store/lock.js';
import { StoreError } from '../../src/store/store-error.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = Date.parse('2026-02-16T09:00:00Z');
const lockPath = () => join(tempDir('lock'), 'lock');
/** A pid that was just used and is gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const holder = (pid: number, at: number, host = hostname()) => JSON.stringify({ pid, host, token: 'theirs', acquired_unix_ms: at });

function refusal(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected the lock to be refused');
}

describe('acquire and release', () => {
  it('one holder at a time; a second check is refused with exit 75 and told who holds it', () => {
    const path = lockPath();
    const lock = acquireLock(path, NOW);
    expect(lock.recovered).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), acquired_unix_ms: NOW });
    const err = refusal(() => acquireLock(path, NOW + 1000));
    expect(err.exitCode).toBe(75);
    expect(err.message).toBe(`the rollout is locked by another check (pid ${process.pid} on ${hostname()} since 2026-02-16T09:00:00.000Z); try again when it finishes`);
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, NOW + 2000).release(); // free again
    expect(readdirSync(join(path, '..'))).toEqual([]); // no temp files left
  });

  it('release leaves a lock that is not its own (its lock was taken over meanwhile)', () => {
    const path = lockPath();
    const lock = acquireLock(path, NOW);
    writeFileSync(path, holder(process.pid, NOW + 5000));
    lock.release();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: 'theirs' });
  });
});

describe('take-over', () => {
  it('the lock of a dead process on this host is taken over, and said', () => {
    const path = lockPath();
    const pid = deadPid();
    writeFileSync(path, holder(pid, NOW - 60_000));
    const lock = acquireLock(path, NOW);
    expect(lock.recovered).toBe(`took over the lock of pid ${pid}, which is no longer running`);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('a lock over an hour old is taken over even though its holder still runs', () => {
    const path = lockPath();
    writeFileSync(path, holder(process.pid, NOW - STALE_LOCK_MS - 1));
    expect(acquireLock(path, NOW).recovered).toBe('took over a lock held since 2026-02-16T07:59:59.999Z (over an hour)');
  });

  it('a live holder younger than an hour keeps its lock', () => {
    const path = lockPath();
    writeFileSync(path, holder(process.pid, NOW - STALE_LOCK_MS + 60_000));
    expect(refusal(() => acquireLock(path, NOW)).exitCode).toBe(75);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: 'theirs' });
  });

  it('a dead pid on another host is not taken for dead (that pid is not ours to check)', () => {
    const path = lockPath();
    writeFileSync(path, holder(deadPid(), NOW - 60_000, `not-${hostname()}`));
    expect(refusal(() => acquireLock(path, NOW)).message).toMatch(/^the rollout is locked by another check \(pid \d+ on not-/);
  });

  it('an unreadable lock file is never taken over blindly', () => {
    const path = lockPath();
    writeFileSync(path, 'garbage');
    const err = refusal(() => acquireLock(path, NOW));
    expect(err.exitCode).toBe(75);
    expect(err.message).toBe(`the rollout is locked, but its lock file (${path}) is unreadable; if no check is running, remove it`);
    expect(readFileSync(path, 'utf8')).toBe('garbage');
  });
});

/** The lock `run --once` takes (its creating calls on the thread pool): the same file, the same rules. */
describe('acquireLockAsync', () => {
  async function refusedAsync(p: Promise<unknown>): Promise<StoreError> {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }

  it('writes the same lock as acquireLock, refuses a second holder either way, and leaves no temp files', async () => {
    const path = lockPath();
    const lock = await acquireLockAsync(path, NOW);
    expect(lock.recovered).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), acquired_unix_ms: NOW });
    expect(refusal(() => acquireLock(path, NOW + 1000)).exitCode).toBe(75);
    const err = await refusedAsync(acquireLockAsync(path, NOW + 1000));
    expect(err.message).toBe(`the rollout is locked by another check (pid ${process.pid} on ${hostname()} since 2026-02-16T09:00:00.000Z); try again when it finishes`);
    lock.release();
    expect(readdirSync(join(path, '..'))).toEqual([]);
    const sync = acquireLock(path, NOW + 2000);
    expect((await refusedAsync(acquireLockAsync(path, NOW + 3000))).exitCode).toBe(75);
    sync.release();
    (await acquireLockAsync(path, NOW + 4000)).release();
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('of many at once on one rollout, exactly one gets the lock', async () => {
    const path = lockPath();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLockAsync(path, NOW)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as StoreError).exitCode).toBe(75);
  });

  it('takes over a dead holder\'s lock and says so; keeps a live one\'s and a garbled one', async () => {
    const path = lockPath();
    const pid = deadPid();
    writeFileSync(path, holder(pid, NOW - 60_000));
    const lock = await acquireLockAsync(path, NOW);
    expect(lock.recovered).toBe(`took over the lock of pid ${pid}, which is no longer running`);
    lock.release();
    writeFileSync(path, holder(process.pid, NOW - 60_000));
    expect((await refusedAsync(acquireLockAsync(path, NOW))).exitCode).toBe(75);
    writeFileSync(path, 'garbage');
    expect((await refusedAsync(acquireLockAsync(path, NOW))).message).toMatch(/is unreadable; if no check is running, remove it$/);
    expect(readFileSync(path, 'utf8')).toBe('garbage');
  });

  it('fails as acquireLock does where the lock cannot be written (here: no folder), never as "locked"', async () => {
    const path = join(tempDir('lock'), 'missing', 'lock');
    let sync: unknown;
    try {
      acquireLock(path, NOW);
    } catch (err) {
      sync = err;
    }
    const async = await acquireLockAsync(path, NOW).then(() => null, (e: unknown) => e);
    expect((async as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((async as NodeJS.ErrnoException).code).toBe((sync as NodeJS.ErrnoException).code);
    expect(async).not.toBeInstanceOf(StoreError);
  });
});
