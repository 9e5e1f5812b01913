/**
 * Incremental reading of a surface's event log across checks. The cursor remembers which file
 * it was reading (device + inode + a fingerprint of its first bytes and of the bytes just before
 * the offset), how far, and the running tally, so a check reads only what was appended since
 * the previous one. It follows rotation (runtime-events.jsonl -> .1 -> .2 ...: finish the old
 * file under its new name, read any newer rotated files, then the new live file), finds a
 * copytruncate'd copy by its content, and notices truncation or replacement (counts the new
 * content from its start, and says so).
 *
 * Whenever lines may have gone unread (a truncated, rewritten, replaced, deleted or unreadable
 * file, a rotated file missing or rotated past what is kept) the tally's `lost` grows and its
 * `doubt` says which lines and why: windows that include it are unknown (docs/event-log.md).
 * Files are opened with openUntrustedBig: a FIFO, a directory or a device in place of a log never
 * blocks or throws; it is an unreadable log.
 */
import { readSync } from 'node:fs';
import { join } from 'node:path';
import { readLogFd } from './log-reader.js';
import { mayCarryReasonCodes } from './cycle-line.js';
import { addTally, cloneTally, emptyTally, noteDoubt, quoteProducerText, type LogTally } from '../engine/log-tally.js';
import { closeUntrusted, describeOpenError, openUntrustedBig } from './untrusted-file.js';
import type { EventCursor, FilePosition } from '../engine/observations.js';
import { EVENTS_LOG } from '../tau/files.js';
import { fileIn } from './paths.js';
import { DirListing } from './dir-listing.js';

/** The producer keeps 5 files in all; look a little further in case a producer keeps more. */
const MAX_ROTATED = 9;
const HEAD_BYTES = 64;
const TAIL_BYTES = 64;

export interface CursorAdvance {
  cursor: EventCursor;
  /** What was counted by this read alone. */
  read: LogTally;
  logPresent: boolean;
  /** Sentences about rotation, truncation, replacement, lost or suspect lines seen by this read. */
  notes: string[];
  bytesRead: number;
  /** A last line still being written was left for the next read. */
  pendingBytes: number;
  /**
   * Why this read alone cannot be trusted, or null: an unfinished last line that may carry
   * reason codes (it is counted once its newline is written), or a read that failed. The
   * windows are unknown at this check only; nothing is lost, so nothing is acknowledged.
   */
  unsettled: string | null;
}

interface OpenFile {
  path: string;
  /** The file's name in the state directory (runtime-events.jsonl.1): sentences use it. */
  name: string;
  fd: number;
  dev: string;
  ino: string;
  /** Birth time in ns, or null where the filesystem keeps none. */
  born: string | null;
  size: number;
}

/** A log file as found: open, absent, or there but not readable (a FIFO, a directory, EACCES). */
type Found = { file: OpenFile } | { missing: true } | { unreadable: string };

interface RotatedEntry {
  /** Its number: runtime-events.jsonl.<k>. */
  k: number;
  found: Found;
}

interface RotatedList {
  /** Newest first (.1, .2, ...), only names that exist. */
  entries: RotatedEntry[];
  /** Why the directory could not be listed, or null. */
  error: string | null;
}

export function newCursor(): EventCursor {
  return { version: 1, position: null, tally: emptyTally() };
}

export function rotatedPath(dir: string, k: number): string {
  return join(dir, `${EVENTS_LOG}.${k}`);
}

/** Rotated log files that exist, newest first (.1, .2, ...). Never throws. */
export function rotatedFiles(dir: string): string[] {
  return rotatedNames(dir).ks.map((k) => rotatedPath(dir, k));
}

function rotatedNames(dir: string, listing = new DirListing(dir)): { ks: number[]; error: string | null } {
  let names: Map<string, boolean>;
  try {
    names = listing.entries(); // one directory read instead of a stat per possible file
  } catch (err) {
    const d = describeOpenError('the state directory', err);
    return { ks: [], error: d.missing ? null : `the rotated log files cannot be listed: ${d.reason}` };
  }
  const ks: number[] = [];
  for (let k = 1; k <= MAX_ROTATED; k++) if (names.has(`${EVENTS_LOG}.${k}`)) ks.push(k);
  return { ks, error: null };
}

/** `listing`: the directory's entries, shared with the other readers of the surface (dir-listing.ts). */
export function advanceCursor(dir: string, previous: EventCursor | null, listing = new DirListing(dir)): CursorAdvance {
  const live = openLog(fileIn(dir, EVENTS_LOG), EVENTS_LOG);
  const opened: Found[] = [live];
  let rotated: RotatedList | null = null;
  // Rotated files matter only when the live file is not the one the cursor was in.
  const openRotated = (): RotatedList => {
    if (rotated) return rotated;
    const { ks, error } = rotatedNames(dir, listing);
    const entries: RotatedEntry[] = [];
    for (const k of ks) {
      const found = openLog(rotatedPath(dir, k), `${EVENTS_LOG}.${k}`);
      opened.push(found);
      if (!('missing' in found)) entries.push({ k, found });
    }
    return (rotated = { entries, error });
  };
  try {
    return advance(previous ?? newCursor(), live, openRotated);
  } finally {
    ahead = null;
    for (const f of opened) if ('file' in f) closeUntrusted(f.file.fd);
  }
}

/** The last read from a cursor position, per live log path: a later read from the same position continues it. */
const repeatReads = new Map<string, { from: FilePosition; end: number; endTail: string; read: LogTally; lastSuspect: string | null }>();

function samePosition(a: FilePosition, b: FilePosition): boolean {
  return a.offset === b.offset && a.dev === b.dev && a.ino === b.ino && a.head === b.head && a.tail === b.tail && a.born === b.born;
}

function advance(previous: EventCursor, live: Found, openRotated: () => RotatedList): CursorAdvance {
  const read = emptyTally();
  const notes: string[] = [];
  let bytesRead = 0;
  let pendingBytes = 0;
  let position = previous.position;
  const liveFile = 'file' in live ? live.file : null;
  let lastSuspect: string | null = null;
  let unsettled: string | null = null;
  const consume = (file: OpenFile, from: number, final: boolean, known?: FilePosition) => {
    const suspectBefore = read.suspect;
    if (from === 0 && file.size <= AHEAD_BYTES && file.size > 0 && (ahead === null || ahead.file !== file)) prefetchWhole(file);
    const r = readLogFd(file.fd, from, final, read, file.size, file.name, ahead !== null && ahead.file === file ? ahead : undefined);
    if (read.suspect > suspectBefore) lastSuspect = read.doubt;
    bytesRead += r.bytesRead;
    pendingBytes = r.pendingBytes;
    unsettled = r.pendingBytes > 0 ? unfinishedLine(file, r.offset, r.pendingBytes) : null;
    position = fingerprint(file, r.offset, known);
  };
  /** Lines may have been lost: counted, with the sentence; `note` also goes to the notes. */
  const lose = (what: string, note = true) => {
    noteDoubt(read, 'lost', what);
    if (note) notes.push(read.doubt!);
  };
  const loseUnreadable = (f: Found) => {
    if ('unreadable' in f) lose(`${f.unreadable}: its lines cannot be read and may be lost`);
  };
  /** Rotated files, oldest first (entries[i] was renamed away before entries[i-1]). */
  const readAll = (entries: RotatedEntry[]) => {
    for (const e of [...entries].reverse()) {
      if ('file' in e.found) consume(e.found.file, 0, true);
      else loseUnreadable(e.found);
    }
  };
  const listed = () => {
    const list = openRotated();
    if (list.error) lose(list.error);
    return list.entries;
  };

  const at = previous.position;
  if (at === null) {
    readAll(listed());
    if (liveFile) consume(liveFile, 0, false);
    else loseUnreadable(live);
  } else if (liveFile && sameFile(liveFile, at) && matchesAt(liveFile, at)) {
    // The same cursor read again (a terminal rollout keeps its state, a dry run or a poll
    // commits nothing): what was counted from it up to the last read's end is taken as it was,
    // and only the bytes appended since are read. Checked the way the cursor itself is: the
    // same file, and the same bytes just before that end.
    const again = repeatReads.get(liveFile.path);
    if (again && samePosition(again.from, at) && sameFile(liveFile, again.from) && liveFile.size >= again.end && tailOf(liveFile, again.end) === again.endTail) {
      addTally(read, again.read);
      lastSuspect = again.lastSuspect;
      bytesRead = again.end - at.offset;
      consume(liveFile, again.end, false, at);
    } else {
      consume(liveFile, at.offset, false, at);
    }
    // Remembered only at a line's end (an unfinished line is read again from its start).
    if (position && position.offset > at.offset && position.tail?.endsWith('0a')) {
      if (repeatReads.size > 1000) repeatReads.clear();
      repeatReads.set(liveFile.path, { from: at, end: position.offset, endTail: position.tail, read: cloneTally(read), lastSuspect });
    }
  } else {
    const entries = listed();
    const files = entries.map((e) => ('file' in e.found ? e.found.file : null));
    let k = files.findIndex((f) => f !== null && sameFile(f, at) && matchesAt(f, at));
    let byContent = false;
    if (k < 0 && liveFile && sameFile(liveFile, at)) {
      // The live file was changed in place (copytruncate: copied to .1, then truncated): its old
      // content may be a rotated file with another inode. The oldest match is taken: if two
      // match, lines may be counted twice, never skipped.
      for (let i = files.length - 1; i >= 0; i--) {
        const f = files[i];
        if (f && !sameFile(f, at) && matchesAt(f, at)) {
          k = i;
          byContent = true;
          break;
        }
      }
    }
    if (k >= 0) {
      const old = files[k]!;
      consume(old, at.offset, true);
      // Rotated files newer than the old one: every number below its own must be there.
      const newer = entries.slice(0, k);
      const present = new Set(newer.map((e) => e.k));
      for (let j = 1; j < entries[k]!.k; j++) {
        if (!present.has(j)) lose(`${EVENTS_LOG}.${j} is missing between the rotated files (${old.name} was read up to byte ${at.offset}): its lines may be lost`);
      }
      readAll(newer);
      if (liveFile) consume(liveFile, 0, false);
      else loseUnreadable(live);
      const how = byContent ? ` (found by its content: the live file was copied there, then truncated)` : '';
      notes.push(`the log was rotated since the last read: finished ${old.path}${how}${k > 0 ? `, read ${k} newer rotated file${k > 1 ? 's' : ''}` : ''}, then ${liveFile ? 'the new live file from its start' : 'found no live file yet'}`);
    } else if (liveFile) {
      // Where the file last read is now, changed: the live file itself, or a rotated one.
      const changed = sameFile(liveFile, at) ? liveFile : files.find((f) => f !== null && sameFile(f, at)) ?? null;
      const why = changed === liveFile
        ? changedInPlace(liveFile, at)
        : changed
          ? `was replaced by another file and the old one, now ${changed.name}, ${changedInPlace(changed, at)}`
          : 'was replaced by another file and the old one is not among the rotated files';
      notes.push(`${liveFile.path} ${why}: counting it again from the start; lines written to the old file after the last read were not seen`);
      lose(
        changed === liveFile
          ? `${EVENTS_LOG} ${why}: lines after byte ${at.offset} of its old content may be lost`
          : changed
            ? `${changed.name} (the file last read, rotated) ${changedInPlace(changed, at)}: lines after byte ${at.offset} may be lost`
            : `${EVENTS_LOG} was replaced and the file last read is gone (deleted, or rotated past the files kept): lines after byte ${at.offset} of it may be lost`,
        false,
      );
      consume(liveFile, 0, false);
    } else if ('unreadable' in live) {
      loseUnreadable(live); // the position is kept: the file may come back
    } else {
      notes.push('the event log is gone (no live or rotated file holds the last read position)');
      lose(`the event log is gone (no live or rotated file holds the last read position, byte ${at.offset}): lines after it may be lost`, false);
      // Counted once: from now on read from the newest rotated file's end, or from scratch.
      const newest = files.find((f) => f !== null) ?? null;
      position = newest ? fingerprint(newest, newest.size) : null;
    }
  }
  if (read.suspect > 0) notes.push(`${read.suspect} invalid line${read.suspect > 1 ? 's' : ''} that may carry reason codes: ${read.suspect > 1 ? 'the latest, ' : ''}${lastSuspect}`);
  const tally = addTally(cloneTally(previous.tally), read);
  return {
    cursor: { version: 1, position, tally },
    read,
    logPresent: liveFile !== null || openRotated().entries.some((e) => 'file' in e.found),
    notes,
    bytesRead,
    pendingBytes,
    unsettled,
  };
}

/** Longest unfinished line looked into; a longer one cannot be told apart from one with codes. */
const MAX_PENDING_LOOK = 1024 * 1024;

/**
 * Why an unfinished last line (no newline yet) may hide reason codes, or null. A producer
 * cut off mid-line, or one that ends its lines with CR only, would otherwise have its codes
 * unread while the check decides (and promotes) on the lines before.
 */
function unfinishedLine(file: OpenFile, offset: number, pending: number): string | null {
  const where = `${file.name} byte ${offset}`;
  const after = 'it is counted once its newline is written, and until then the windows that will hold it are unknown';
  if (pending > MAX_PENDING_LOOK) return `${where}: an unfinished last line of ${pending} bytes (no newline yet), too long to tell whether it carries reason codes; ${after}`;
  const buf = Buffer.alloc(pending);
  let got = 0;
  try {
    while (got < pending) {
      const n = readSync(file.fd, buf, got, pending - got, offset + got);
      if (n === 0) break;
      got += n;
    }
  } catch {
    return `${where}: an unfinished last line of ${pending} bytes that could not be read again; ${after}`;
  }
  const text = buf.toString('utf8', 0, got);
  const why = mayCarryReasonCodes(text);
  return why === null ? null : `${where}: an unfinished last line (no newline yet) that ${why}: ${quoteProducerText(text.trim())}; ${after}`;
}

function openLog(path: string, name: string): Found {
  // The bigint stat tells inodes apart where numbers lose precision (64-bit inode numbers).
  const opened = openUntrustedBig(path, name);
  if (!opened.ok) return opened.missing ? { missing: true } : { unreadable: opened.reason };
  const { fd, stat } = opened.file;
  const born = stat.birthtimeNs > 0n ? String(stat.birthtimeNs) : null;
  return { file: { path, name, fd, dev: String(stat.dev), ino: String(stat.ino), born, size: Number(stat.size) } };
}

/** Same device and inode, and the same birth time where both know one (an inode can be reused). */
function sameFile(f: OpenFile, p: FilePosition): boolean {
  return f.dev === p.dev && f.ino === p.ino && (f.born === null || typeof p.born !== 'string' || f.born === p.born);
}

/** Whether `f` holds the content the cursor read up to its offset (inode aside). */
function matchesAt(f: OpenFile, at: FilePosition): boolean {
  if (f.size < at.offset || bytesHex(f, 0, Math.min(at.offset, HEAD_BYTES)) !== at.head) return false;
  if (typeof at.tail === 'string') return tailThenAhead(f, at.offset) === at.tail;
  // An older cursor: without a tail, at least the offset must start a line.
  return at.offset === 0 || bytesHex(f, at.offset - 1, 1) === '0a';
}

function changedInPlace(f: OpenFile, at: FilePosition): string {
  return f.size < at.offset
    ? `was truncated (${f.size} bytes, the last read ended at ${at.offset})`
    : bytesHex(f, 0, Math.min(at.offset, HEAD_BYTES)) !== at.head
      ? 'was rewritten (its first bytes changed)'
      : 'was rewritten (the bytes before the last read position changed)';
}

function fingerprint(f: OpenFile, offset: number, known?: FilePosition): FilePosition {
  // Past the first HEAD_BYTES the head no longer changes, and an unmoved offset keeps its tail.
  const head = known && known.head.length === HEAD_BYTES * 2 ? known.head : bytesHex(f, 0, Math.min(offset, HEAD_BYTES));
  const tail = known && known.offset === offset && typeof known.tail === 'string' ? known.tail : tailOf(f, offset);
  return f.born === null ? { dev: f.dev, ino: f.ino, offset, head, tail } : { dev: f.dev, ino: f.ino, offset, head, tail, born: f.born };
}

function tailOf(f: OpenFile, offset: number): string {
  const n = Math.min(offset, TAIL_BYTES);
  return bytesHex(f, offset - n, n);
}

/** Appended bytes read with the tail before them: the next position's tail is then among them. */
const AHEAD_BYTES = 16 * 1024;

/**
 * What tailThenAhead or prefetchWhole read, until the end of this advance: the bytes from a
 * position's tail (or the file's start) to the file's size (as its stat said), so the head and
 * the tail at the offset the read ends at cost no second read (bytesHex), and readLogFd takes
 * the lines it counts from it instead of reading them again.
 */
let ahead: { file: OpenFile; start: number; buf: Buffer; length: number } | null = null;

/**
 * A small file read from its start (a first check, a new file after a rotation), in one read:
 * its lines, its head and the tail at the read's end then come from these bytes (two reads fewer).
 */
function prefetchWhole(f: OpenFile): void {
  const buf = Buffer.allocUnsafe(f.size);
  const got = readSync(f.fd, buf, 0, f.size, 0);
  ahead = { file: f, start: 0, buf, length: got };
}

/** tailOf(f, offset), reading on to the file's end in the same read when little was appended. */
function tailThenAhead(f: OpenFile, offset: number): string {
  const n = Math.min(offset, TAIL_BYTES);
  const more = f.size - offset;
  if (more <= 0 || more > AHEAD_BYTES) return tailOf(f, offset);
  const buf = Buffer.allocUnsafe(n + more);
  const got = readSync(f.fd, buf, 0, n + more, offset - n);
  ahead = { file: f, start: offset - n, buf, length: got };
  return buf.toString('hex', 0, Math.min(n, got));
}

function bytesHex(f: OpenFile, from: number, length: number): string {
  const n = Math.min(length, f.size - from);
  if (n <= 0) return '';
  if (ahead !== null && ahead.file === f && from >= ahead.start && from + n <= ahead.start + ahead.length) {
    return ahead.buf.toString('hex', from - ahead.start, from + n - ahead.start);
  }
  // From the pool, not zero-filled: only the bytes read are looked at (a new 64-byte ArrayBuffer
  // per read, three a check, was a good part of simulate's garbage).
  const buf = Buffer.allocUnsafe(n);
  const got = readSync(f.fd, buf, 0, n, from);
  return buf.toString('hex', 0, got);
}
