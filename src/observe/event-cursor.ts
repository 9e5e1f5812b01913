/**
 * Incremental reading of a surface's event log across checks. The cursor remembers which file
 * it was reading (device + inode + a fingerprint of its first bytes), how far, and the running
 * tally, so a check reads only what was appended since the previous one. It follows rotation
 * (runtime-events.jsonl -> .1 -> .2 ...: finish the old file under its new name, read any newer
 * rotated files, then the new live file) and notices truncation or replacement (counts the new
 * content from its start, and says so).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readLogFd } from './log-reader.js';
import { addTally, cloneTally, emptyTally, type LogTally } from './log-tally.js';

export const EVENTS_LOG = 'runtime-events.jsonl';
/** The producer keeps 5 files in all; look a little further in case a producer keeps more. */
const MAX_ROTATED = 9;
const HEAD_BYTES = 64;

export interface FilePosition {
  dev: string;
  ino: string;
  offset: number;
  /** Hex of the file's first min(offset, 64) bytes: tells a reused inode or a rewritten file. */
  head: string;
}

export interface EventCursor {
  version: 1;
  /** Where reading stopped, in the last file read; null before any log existed. */
  position: FilePosition | null;
  /** Everything counted since the cursor was created (the `total` window). */
  tally: LogTally;
}

export interface CursorAdvance {
  cursor: EventCursor;
  /** What was counted by this read alone. */
  read: LogTally;
  logPresent: boolean;
  /** Sentences about rotation, truncation or replacement seen by this read. */
  notes: string[];
  bytesRead: number;
  /** A last line still being written was left for the next read. */
  pendingBytes: number;
}

interface OpenFile {
  path: string;
  fd: number;
  dev: string;
  ino: string;
  size: number;
}

export function newCursor(): EventCursor {
  return { version: 1, position: null, tally: emptyTally() };
}

export function rotatedPath(dir: string, k: number): string {
  return join(dir, `${EVENTS_LOG}.${k}`);
}

/** Rotated log files that exist, newest first (.1, .2, ...). */
export function rotatedFiles(dir: string): string[] {
  let names: Set<string>;
  try {
    names = new Set(readdirSync(dir)); // one directory read instead of a stat per possible file
  } catch {
    return [];
  }
  const out: string[] = [];
  for (let k = 1; k <= MAX_ROTATED; k++) if (names.has(`${EVENTS_LOG}.${k}`)) out.push(rotatedPath(dir, k));
  return out;
}

export function advanceCursor(dir: string, previous: EventCursor | null): CursorAdvance {
  const live = openIfExists(join(dir, EVENTS_LOG));
  let rotated: OpenFile[] | null = null;
  // Rotated files matter only when the live file is not the one the cursor was in.
  const openRotated = (): OpenFile[] => (rotated ??= rotatedFiles(dir).map(openIfExists).filter((f): f is OpenFile => f !== null));
  try {
    return advance(previous ?? newCursor(), live, openRotated);
  } finally {
    for (const f of [live, ...(rotated ?? [])]) if (f) closeSync(f.fd);
  }
}

function advance(previous: EventCursor, live: OpenFile | null, openRotated: () => OpenFile[]): CursorAdvance {
  const read = emptyTally();
  const notes: string[] = [];
  let bytesRead = 0;
  let pendingBytes = 0;
  let position = previous.position;
  const consume = (file: OpenFile, from: number, final: boolean, knownHead?: string) => {
    const r = readLogFd(file.fd, from, final, read, file.size);
    bytesRead += r.bytesRead;
    pendingBytes = r.pendingBytes;
    // Past the first HEAD_BYTES the fingerprint no longer changes: reuse the one just verified.
    const head = knownHead !== undefined && knownHead.length === HEAD_BYTES * 2 ? knownHead : headOf(file, r.offset);
    position = { dev: file.dev, ino: file.ino, offset: r.offset, head };
  };
  /** Oldest first: files[i] was renamed away before files[i-1]. */
  const readAll = (files: OpenFile[]) => {
    for (const f of [...files].reverse()) consume(f, 0, true);
  };

  const at = previous.position;
  if (at === null) {
    readAll(openRotated());
    if (live) consume(live, 0, false);
  } else if (live && sameFile(live, at) && live.size >= at.offset && headOf(live, at.offset) === at.head) {
    consume(live, at.offset, false, at.head);
  } else {
    const rotated = openRotated();
    const k = rotated.findIndex((f) => sameFile(f, at) && f.size >= at.offset && headOf(f, at.offset) === at.head);
    if (k >= 0) {
      consume(rotated[k]!, at.offset, true);
      readAll(rotated.slice(0, k));
      if (live) consume(live, 0, false);
      notes.push(`the log was rotated since the last read: finished ${rotated[k]!.path}${k > 0 ? `, read ${k} newer rotated file${k > 1 ? 's' : ''}` : ''}, then ${live ? 'the new live file from its start' : 'found no live file yet'}`);
    } else if (live) {
      const why = sameFile(live, at)
        ? live.size < at.offset
          ? `was truncated (${live.size} bytes, the last read ended at ${at.offset})`
          : 'was rewritten (its first bytes changed)'
        : 'was replaced by another file and the old one is not among the rotated files';
      notes.push(`${live.path} ${why}: counting it again from the start; lines written to the old file after the last read were not seen`);
      consume(live, 0, false);
    } else {
      notes.push('the event log is gone (no live or rotated file holds the last read position)');
    }
  }
  const tally = addTally(cloneTally(previous.tally), read);
  return {
    cursor: { version: 1, position, tally },
    read,
    logPresent: live !== null || openRotated().length > 0,
    notes,
    bytesRead,
    pendingBytes,
  };
}

function openIfExists(path: string): OpenFile | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  const st = fstatSync(fd, { bigint: true });
  return { path, fd, dev: String(st.dev), ino: String(st.ino), size: Number(st.size) };
}

function sameFile(f: OpenFile, p: FilePosition): boolean {
  return f.dev === p.dev && f.ino === p.ino;
}

function headOf(f: OpenFile, offset: number): string {
  const n = Math.min(offset, HEAD_BYTES, f.size);
  if (n <= 0) return '';
  const buf = Buffer.alloc(n);
  readSync(f.fd, buf, 0, n, 0);
  return buf.toString('hex');
}
