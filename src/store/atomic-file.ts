/** Whole-file writes that never leave a half-written file: temp file, fsync, rename, fsync dir. */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncAsync, openAsync } from './async-fs.js';
import { writeFailure } from './store-error.js';

/** The temp file beside `path` (recover() sweeps the ones a crash left: `.tmp-<pid>-<id>`). */
const tempOf = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

export function writeFileAtomic(path: string, content: string): void {
  const temp = tempOf(path);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeAll(fd, Buffer.from(content));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was created, or it is already gone
    }
    throw writeFailure(err, path);
  }
}

/**
 * A file that counts only once something else says so (a staged state, once its record is
 * journaled: file-rollout-store.ts), written for a caller with work to do while the disk waits:
 * resolves once the bytes are written and renamed into place, with `durable`, which settles when
 * the file and its directory are fsynced. Both fsyncs are under way at once, on the thread pool:
 * renaming before the data is durable is safe here, as a power cut can then leave a torn file
 * under the name, but nothing yet that trusts it. The caller awaits `durable` before it writes
 * what makes the file count, and before it removes the file.
 */
export async function stageFileAsync(path: string, content: string): Promise<{ durable: Promise<void> }> {
  const temp = tempOf(path);
  let fd: number;
  try {
    fd = await openAsync(temp, 'wx', 0o644);
  } catch (err) {
    throw writeFailure(err, path);
  }
  try {
    writeAll(fd, Buffer.from(content));
    renameSync(temp, path);
  } catch (err) {
    // A failed write or rename: the descriptor closed (a long `run` must not leak one a check)
    // and the temp file removed.
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw writeFailure(err, path);
  }
  const synced = fsyncAsync(fd).finally(() => closeSync(fd));
  const durable = Promise.all([synced, fsyncDirAsync(dirname(path))]).then(
    () => undefined,
    (err: unknown) => {
      throw writeFailure(err, path);
    },
  );
  // Handled here too: a failure while the caller works is not an unhandled rejection; it
  // still rejects where the caller awaits it.
  durable.catch(() => {});
  return { durable };
}

/**
 * Writes every byte or throws. A write on a full disk can be short without an error (the next
 * one raises ENOSPC): a single writeSync would leave a cut file and carry on.
 */
export function writeAll(fd: number, buf: Buffer, position: number | null = null): void {
  for (let done = 0; done < buf.length; ) {
    const n = writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
    if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    done += n;
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic.
  }
}

/** fsyncDir with the fsync off the main thread. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const fd = openSync(dir, 'r');
    try {
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic.
  }
}
