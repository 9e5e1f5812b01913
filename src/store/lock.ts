/**
 * One exclusive lock per rollout: a file created with O_EXCL holding the holder's pid, host
 * and a token. A lock whose holder is dead (same host, no such pid) or older than an hour is
 * taken over, so a crashed check cannot block a rollout forever.
 */
import { closeSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { isoOf } from '../time/instant.js';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { linkAsync, openAsync } from './async-fs.js';
import { writeAll } from './atomic-file.js';
import { StoreError, writeFailure } from './store-error.js';

export const STALE_LOCK_MS = 60 * 60_000;

interface Holder {
  pid: number;
  host: string;
  token: string;
  acquired_unix_ms: number;
}

export interface Lock {
  release(): void;
  /** Set when a dead holder's lock was taken over. */
  recovered: string | null;
}

export function acquireLock(path: string, nowMs = Date.now()): Lock {
  const mine = holderOf(nowMs);
  let recovered: string | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole to a temp file, then linked into place: link() fails if a lock exists, and
    // a lock file is never seen empty or half-written by another check.
    const temp = tempOf(path, mine);
    try {
      writeFileSync(temp, JSON.stringify(mine), { mode: 0o644 });
      linkSync(temp, path);
      return { recovered, release: () => release(path, mine.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(err, path);
    } finally {
      removeTemp(temp);
    }
    recovered = contend(path, nowMs) ?? recovered;
  }
  throw new StoreError('the rollout lock keeps changing hands; try again', 75);
}

/** acquireLock, the same steps, with the creating calls (the temp file, the link) off the main thread. */
export async function acquireLockAsync(path: string, nowMs = Date.now()): Promise<Lock> {
  const mine = holderOf(nowMs);
  let recovered: string | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const temp = tempOf(path, mine);
    try {
      const fd = await openAsync(temp, 'w', 0o644);
      try {
        writeAll(fd, Buffer.from(JSON.stringify(mine)));
      } finally {
        closeSync(fd);
      }
      await linkAsync(temp, path);
      return { recovered, release: () => release(path, mine.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(err, path);
    } finally {
      removeTemp(temp);
    }
    recovered = contend(path, nowMs) ?? recovered;
  }
  throw new StoreError('the rollout lock keeps changing hands; try again', 75);
}

const holderOf = (nowMs: number): Holder => ({ pid: process.pid, host: hostname(), token: Math.random().toString(36).slice(2), acquired_unix_ms: nowMs });

/** `lock.<pid>-<token>` (removeDeadLockFiles knows the pattern). */
const tempOf = (path: string, mine: Holder) => `${path}.${process.pid}-${mine.token}`;

function removeTemp(temp: string): void {
  try {
    unlinkSync(temp);
  } catch {
    // never created, or gone already
  }
}

/**
 * The lock is taken: throws when its holder is live (or its file unreadable); takes a stale one
 * over and says so (the sentence), or returns null to try again (it was released meanwhile, or
 * another check took it over first).
 */
function contend(path: string, nowMs: number): string | null {
  const holder = readHolder(path);
  if (holder === undefined) return null; // released meanwhile: try again
  const stale = staleness(holder, nowMs);
  if (stale === null) {
    throw new StoreError(holder
      ? `the rollout is locked by another check (pid ${holder.pid} on ${holder.host} since ${isoOf(holder.acquired_unix_ms)}); try again when it finishes`
      : `the rollout is locked, but its lock file (${path}) is unreadable; if no check is running, remove it`, 75);
  }
  return holder && takeOver(path, holder) ? stale : null;
}

/** undefined: no lock file; null: unreadable (being written, garbage, or not a file). */
function readHolder(path: string): Holder | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // Only a missing file is no lock: a directory in its place, say, is a lock nobody can take.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const h = JSON.parse(text) as Holder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** Why the holder's lock can be taken over, or null when it is live. */
function staleness(holder: Holder | null, nowMs: number): string | null {
  if (holder === null) return null; // garbage: never taken over blindly
  if (nowMs - holder.acquired_unix_ms > STALE_LOCK_MS) return `took over a lock held since ${isoOf(holder.acquired_unix_ms)} (over an hour)`;
  if (holder.host === hostname() && !alive(holder.pid)) return `took over the lock of pid ${holder.pid}, which is no longer running`;
  return null;
}

/**
 * Removes the lock's temp and set-aside files (`lock.<pid>-<token>`, `lock.stale-<pid>-<id>`)
 * whose process is gone: a kill between writing one and removing it leaves it behind.
 */
export function removeDeadLockFiles(path: string, listed?: readonly string[]): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: readonly string[];
  try {
    names = listed ?? readdirSync(dir); // the caller may have listed the directory already
  } catch {
    return; // no store directory yet
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(?:stale-)?(\d+)-[a-z0-9]+$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the stale lock aside; only the mover that finds the stale token in it removes it. */
function takeOver(path: string, stale: Holder): boolean {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else moved it
  }
  const moved = readHolder(aside);
  if (moved && moved.token !== stale.token) {
    // A live lock was taken in between: put it back (link fails if a new one exists).
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock exists; the moved one's holder will find its lock gone on release
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

function release(path: string, token: string): void {
  const holder = readHolder(path);
  if (holder && holder.token === token) unlinkSync(path);
}
