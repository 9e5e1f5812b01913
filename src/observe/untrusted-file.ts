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
const missingBefore = new Map<string, number>();

/**
 * While descriptors are held (simulate), the replay is the only writer of the tree read, and it
 * calls scratchChanged whenever it may have created, removed or renamed a file: until then a path
 * found missing stays missing without a stat (two of a simulated check's five), and a state
 * directory's entries are as they were. The epoch the answers were found at tells.
 */
let epoch = 0;

/** Said by the one writer of a held tree after it may have created, removed or renamed a file. */
export function scratchChanged(): void {
  epoch++;
}

/** While descriptors are held: a number that changes at each scratchChanged; null otherwise (then only a stat can tell). */
export function scratchEpoch(): number | null {
  return held === null ? null : epoch;
}

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

/**
 * Descriptors kept open between reads while a caller holds them (holdDescriptors: simulate, whose
 * scratch tree nothing else writes): path -> descriptor and the identity of the file it reads.
 * A read then costs one fstat instead of open, fstat and close; after the writer said it changed
 * the tree (scratchChanged), one stat of the path: a path that now names another file (renamed,
 * replaced, deleted) is opened again. Reads are positional, so a shared descriptor's offset
 * never matters.
 */
let held: Map<string, Held> | null = null;
/** A held descriptor: the identity of the file it reads, and the epoch at which the path was last seen to name it. */
interface Held {
  fd: number;
  id: string;
  epoch: number;
}
const heldFds = new Set<number>();
const MAX_HELD = 256;

let holders = 0;

/**
 * Keeps descriptors open until the returned function is called; the last holder's call closes
 * them all (two replays kept in step hold at once).
 */
export function holdDescriptors(): () => void {
  holders++;
  held ??= new Map();
  epoch++; // what was found missing before holding was found with a stat, not by this writer's word
  let released = false;
  return () => {
    if (released) return;
    released = true;
    epoch++;
    if (--holders > 0) return;
    dropAllHeld();
    held = null;
  };
}

function dropAllHeld(): void {
  for (const h of held?.values() ?? []) closeSync(h.fd);
  held?.clear();
  heldFds.clear();
}

function dropHeld(path: string): void {
  const h = held?.get(path);
  if (!h) return;
  held!.delete(path);
  heldFds.delete(h.fd);
  closeSync(h.fd);
}

/** Closes what openUntrustedBig or readUntrusted opened, unless it is held for the next read. */
export function closeUntrusted(fd: number): void {
  if (!heldFds.has(fd)) closeSync(fd);
}

const idOf = (st: Stats | BigIntStats): string => `${st.dev}:${st.ino}`;
const fstatOf = (fd: number): Stats => fstatSync(fd);
const bigFstatOf = (fd: number): BigIntStats => fstatSync(fd, { bigint: true });
const statOfPath = (path: string): Stats | undefined => statSync(path, { throwIfNoEntry: false });
const bigStatOfPath = (path: string): BigIntStats | undefined => statSync(path, { bigint: true, throwIfNoEntry: false });

/** Opens `path` for reading without blocking; anything but a regular file is refused. */
export function openUntrusted(path: string, name = basename(path)): OpenResult {
  return openWith(path, name, fstatOf, null);
}

export type BigOpenResult = { ok: true; file: { fd: number; stat: BigIntStats } } | { ok: false; missing: boolean; reason: string };

/**
 * openUntrusted with the bigint stat (exact 64-bit inode numbers, birth time in ns): one fstat
 * where a caller needing both stats made two.
 */
export function openUntrustedBig(path: string, name = basename(path)): BigOpenResult {
  return openWith(path, name, bigFstatOf, bigStatOfPath);
}

/**
 * `statPath` (the same kind of stat, of the path): given only by callers that close through
 * closeUntrusted, who may then be handed a held descriptor.
 */
function openWith<S extends Stats | BigIntStats>(
  path: string, name: string, statOf: (fd: number) => S, statPath: ((path: string) => S | undefined) | null, oftenMissing = false,
): { ok: true; file: { fd: number; stat: S } } | { ok: false; missing: boolean; reason: string } {
  const missingAt = missingBefore.get(path);
  if (missingAt !== undefined ? (held !== null && missingAt === epoch) || stillMissing(path) : oftenMissing && stillMissing(path)) {
    if (missingAt === undefined && missingBefore.size >= 1000) missingBefore.clear();
    missingBefore.set(path, epoch);
    return { ok: false, ...describeOpenError(name, { code: 'ENOENT' }) };
  }
  if (held !== null && statPath !== null) {
    const again = reuseHeld(held, path, statOf, statPath);
    if (again) return { ok: true, file: again };
  }
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    const described = describeOpenError(name, err);
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') {
      if (missingBefore.size >= 1000) missingBefore.clear();
      missingBefore.set(path, epoch);
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
  if (held !== null && statPath !== null) {
    if (held.size >= MAX_HELD) dropAllHeld();
    held.set(path, { fd, id: idOf(stat), epoch });
    heldFds.add(fd);
  }
  return { ok: true, file: { fd, stat } };
}

/**
 * The held descriptor of `path` with its stat, when the path still names that very regular file;
 * else null (and the descriptor is closed): the open then says what is there. Until the one
 * writer says it changed the tree (scratchChanged), the path names the file it named: the
 * descriptor's own stat tells its size then, with no lookup of the path.
 */
function reuseHeld<S extends Stats | BigIntStats>(map: Map<string, Held>, path: string, statOf: (fd: number) => S, statPath: (path: string) => S | undefined): { fd: number; stat: S } | null {
  const h = map.get(path);
  if (!h) return null;
  if (h.epoch === epoch) {
    try {
      const stat = statOf(h.fd);
      if (stat.isFile()) return { fd: h.fd, stat };
    } catch {
      // Looked up by its path below.
    }
  }
  let stat: S | undefined;
  try {
    stat = statPath(path);
  } catch {
    stat = undefined; // ELOOP, EACCES, ENOTDIR: the open names them
  }
  if (stat !== undefined && stat.isFile() && idOf(stat) === h.id) {
    h.epoch = epoch;
    return { fd: h.fd, stat };
  }
  dropHeld(path);
  return null;
}

function kindOf(st: Stats | BigIntStats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}

export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; missing: boolean; reason: string };

/**
 * Reads a whole regular file of at most `maxBytes`, without blocking on what is not one.
 * `oftenMissing`: a file that is usually absent (control-state.json) is looked for with a stat
 * first, which does not throw: a failed open's exception costs more than the stat.
 */
export function readUntrusted(path: string, maxBytes: number, name = basename(path), oftenMissing = false): ReadResult {
  const opened = openWith(path, name, fstatOf, statOfPath, oftenMissing);
  if (!opened.ok) return opened;
  const { fd, stat } = opened.file;
  try {
    if (stat.size > maxBytes) return { ok: false, missing: false, reason: `${name} is ${stat.size} bytes, over the ${maxBytes}-byte limit` };
    return { ok: true, bytes: readRange(fd, 0, stat.size) };
  } catch (err) {
    return { ok: false, ...describeOpenError(name, err) };
  } finally {
    closeUntrusted(fd);
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
