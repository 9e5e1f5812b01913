/**
 * The one way rollgate opens a file someone else writes (producer state, event logs, control
 * state, inputs): non-blocking, so a FIFO or a device in its place cannot stall a check or the
 * server; regular files only; never throws. Every error is a sentence a record can carry.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type BigIntStats, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface OpenedFile {
  fd: number;
  stat: Stats;
}

export type OpenResult = { ok: true; file: OpenedFile } | { ok: false; missing: boolean; reason: string };

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** What an errno means for a file we wanted to read. */
export function describeOpenError(name: string, err: unknown): { missing: boolean; reason: string } {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  switch (code) {
    case 'ENOENT':
      return { missing: true, reason: `${name} does not exist` };
    case 'ENOTDIR':
      return { missing: true, reason: `${name} cannot exist: a part of its path is not a directory` };
    case 'ELOOP':
      return { missing: false, reason: `${name} cannot be read: its path is a symlink loop (ELOOP)` };
    case 'EACCES':
    case 'EPERM':
      return { missing: false, reason: `${name} cannot be read: permission denied (${code})` };
    case 'EISDIR':
      return { missing: false, reason: `${name} is a directory, not a file` };
    case 'ENAMETOOLONG':
      return { missing: false, reason: `${name} cannot be read: its path is too long` };
    default:
      return { missing: false, reason: `${name} cannot be read (${code})` };
  }
}

/**
 * Paths that were missing at their last open. A failed open costs an exception (about 6 µs,
 * most of a check of an absent control-state.json or optional input); these are looked up
 * first with stats that do not throw. Bounded: cleared past 1,000 paths.
 */
const missingBefore = new Set<string>();

/** Windows may report a missing parent as no entry as well: there each parent is looked at. */
const ONE_STAT_TELLS_ENOENT = process.platform !== 'win32';

/**
 * Whether `path` is still missing, told without an exception: its stat finds nothing, nor those
 * of its missing parents, up to one that is a directory (so an open would fail with ENOENT).
 * False for anything else: the open then decides, and names ENOTDIR, ELOOP or EACCES exactly.
 */
function stillMissing(path: string): boolean {
  try {
    // Outside Windows a stat that finds nothing is ENOENT (ENOTDIR and ELOOP throw), the open's
    // very answer: one stat instead of one per missing parent (~5 µs each of a simulated check).
    if (ONE_STAT_TELLS_ENOENT) return statSync(path, { throwIfNoEntry: false }) === undefined;
    let at = path;
    for (;;) {
      const found = statSync(at, { throwIfNoEntry: false });
      if (found !== undefined) return at !== path && found.isDirectory();
      const up = dirname(at);
      if (up === at) return false;
      at = up;
    }
  } catch {
    return false;
  }
}

/** Opens `path` for reading without blocking; anything but a regular file is refused. */
export function openUntrusted(path: string, name = basename(path)): OpenResult {
  return openWith(path, name, (fd) => fstatSync(fd));
}

export type BigOpenResult = { ok: true; file: { fd: number; stat: BigIntStats } } | { ok: false; missing: boolean; reason: string };

/**
 * openUntrusted with the bigint stat (exact 64-bit inode numbers, birth time in ns): one fstat
 * where a caller needing both stats made two.
 */
export function openUntrustedBig(path: string, name = basename(path)): BigOpenResult {
  return openWith(path, name, (fd) => fstatSync(fd, { bigint: true }));
}

function openWith<S extends Stats | BigIntStats>(path: string, name: string, statOf: (fd: number) => S): { ok: true; file: { fd: number; stat: S } } | { ok: false; missing: boolean; reason: string } {
  if (missingBefore.has(path) && stillMissing(path)) return { ok: false, ...describeOpenError(name, { code: 'ENOENT' }) };
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    const described = describeOpenError(name, err);
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') {
      if (missingBefore.size >= 1000) missingBefore.clear();
      missingBefore.add(path);
    }
    return { ok: false, ...described };
  }
  if (missingBefore.size > 0) missingBefore.delete(path);
  let stat: S;
  try {
    stat = statOf(fd);
  } catch (err) {
    closeSync(fd);
    return { ok: false, ...describeOpenError(name, err) };
  }
  if (!stat.isFile()) {
    closeSync(fd);
    return { ok: false, missing: false, reason: `${name} is ${kindOf(stat)}, not a regular file` };
  }
  return { ok: true, file: { fd, stat } };
}

function kindOf(st: Stats | BigIntStats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}

export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; missing: boolean; reason: string };

/** Reads a whole regular file of at most `maxBytes`, without blocking on what is not one. */
export function readUntrusted(path: string, maxBytes: number, name = basename(path)): ReadResult {
  const opened = openUntrusted(path, name);
  if (!opened.ok) return opened;
  const { fd, stat } = opened.file;
  try {
    if (stat.size > maxBytes) return { ok: false, missing: false, reason: `${name} is ${stat.size} bytes, over the ${maxBytes}-byte limit` };
    return { ok: true, bytes: readRange(fd, 0, stat.size) };
  } catch (err) {
    return { ok: false, ...describeOpenError(name, err) };
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes from `start` of an open file, fewer if it ends sooner (a file shrinking as it is read). */
export function readRange(fd: number, start: number, length: number): Buffer {
  // Not zero-filled (small ones come from the pool): only the bytes read are returned.
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
