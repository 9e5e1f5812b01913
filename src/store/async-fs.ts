/**
 * The few filesystem calls of a commit that wait on the disk (fsync; open, link and mkdir that
 * create an entry), as promises on libuv's thread pool: `run --once` over many rollouts has
 * several commits in flight, and their waits overlap instead of queueing on the main thread.
 * The rest of a commit (writes into the page cache, close, rename, reads) stays synchronous:
 * those calls return at once, and a thread-pool round trip would cost more than it saves;
 * except a write of megabytes, which takes long enough to overlap with work on the main thread.
 */
import { access, fsync, link, mkdir, open, write, type Mode, type OpenMode } from 'node:fs';

const settle = <T>(resolve: (value: T) => void, reject: (err: Error) => void) => (err: Error | null, value?: T) => (err ? reject(err) : resolve(value as T));

export const openAsync = (path: string, flags: OpenMode, mode?: Mode): Promise<number> =>
  new Promise((resolve, reject) => open(path, flags, mode, settle(resolve, reject)));

export const fsyncAsync = (fd: number): Promise<void> => new Promise((resolve, reject) => fsync(fd, settle(resolve, reject)));

/** writeAll (atomic-file.ts) on the thread pool: every byte at `position`, or ENOSPC. */
export async function writeAllAsync(fd: number, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.length; ) {
    const n = await new Promise<number>((resolve, reject) => write(fd, buf, done, buf.length - done, position + done, settle(resolve, reject)));
    if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    done += n;
  }
}

export const linkAsync = (existing: string, path: string): Promise<void> => new Promise((resolve, reject) => link(existing, path, settle(resolve, reject)));

export const mkdirAsync = (path: string): Promise<void> => new Promise((resolve, reject) => mkdir(path, settle(resolve, reject)));

/**
 * Gives the thread pool `size` threads, unless UV_THREADPOOL_SIZE says otherwise or the pool
 * has started already (then nothing changes). libuv's default is 4: with more commits in flight
 * than that, the rest queue behind four fsyncs. The pool reads the variable when its first job
 * is queued, so one is queued at once, and the variable goes again: the hooks' own processes
 * inherit the environment as it was.
 */
export function widenThreadPool(size: number): void {
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return;
  process.env.UV_THREADPOOL_SIZE = String(size);
  try {
    access('.', () => {});
  } finally {
    delete process.env.UV_THREADPOOL_SIZE;
  }
}
