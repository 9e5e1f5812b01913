/**
 * Streams one log file from a byte offset in 1 MiB reads, scanned in pieces of about 64 KiB
 * (scanLines makes a string of each: strings that large stay in V8's young generation, which
 * keeps the scan fast and the memory flat), counting complete lines. A last line without its newline is consumed only when
 * it is already a complete JSON object (nothing can extend it) or the file is final (rotated):
 * a line the producer is still writing is left for the next read.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { scanLines, setLast, type LastValid } from './line-scanner.js';
import { noteDoubt, type LogTally } from '../engine/log-tally.js';
import { openUntrusted } from './untrusted-file.js';

const CHUNK = 1024 * 1024;
/** How far a line past the limit may be read before it is found too long (CHUNK is a multiple). */
const LIMIT_STEP = 64 * 1024;
/** What scanLines is given at once, in bytes, at most (unless one line is longer). */
const PIECE = 64 * 1024;
/** A longer line is counted invalid without being held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Below this many bytes to read, no progress is reported (a routine check reads kilobytes). */
const PROGRESS_FROM_BYTES = 32 * 1024 * 1024;
const PROGRESS_EVERY_BYTES = 16 * 1024 * 1024;
let progress: ((name: string, done: number, total: number) => void) | null = null;

/** A terminal's progress line for long scans (a first check over a large log); null: none. */
export function onScanProgress(report: ((name: string, done: number, total: number) => void) | null): void {
  progress = report;
}

export interface LogRead {
  /** Offset just after the last consumed line. */
  offset: number;
  /** Bytes left unconsumed at the end (a line being written). */
  pendingBytes: number;
  bytesRead: number;
}

/**
 * Reads fd from `from` to its end (`knownSize`, or its current size), counting into `tally`;
 * `name` (the file's name) says where a suspect line is.
 */
export function readLogFd(fd: number, from: number, final: boolean, tally: LogTally, knownSize?: number, name = 'runtime-events.jsonl'): LogRead {
  const size = knownSize ?? fstatSync(fd).size;
  // Never more than the bytes to read: a routine check reads a few hundred bytes, and 2 MiB of
  // external memory per check (most of it never touched) had V8 collect every few checks of a
  // `run --once` over thousands of rollouts. A small buffer comes from Node's shared pool.
  let buf: Buffer = Buffer.allocUnsafe(Math.min(CHUNK * 2, Math.max(0, size - from)));
  let pos = from; // file offset of buf[0]
  let have = 0; // bytes in buf
  let skippingLongLine = false;
  const report = progress !== null && size - from >= PROGRESS_FROM_BYTES ? progress : null;
  let reported = from;
  while (pos + have < size) {
    if (report && pos - reported >= PROGRESS_EVERY_BYTES) {
      reported = pos;
      report(name, pos - from, size - from);
    }
    // Near the limit, a line being held is read on in LIMIT_STEP steps, so it is found too long
    // at the same byte counts whatever CHUNK is (reads start LIMIT_STEP-aligned from `from`).
    const step = have + CHUNK > MAX_LINE_BYTES ? LIMIT_STEP : CHUNK;
    const want = Math.min(step, size - pos - have);
    if (buf.length - have < want) buf = grow(buf, have, want);
    const n = readSync(fd, buf, have, want, pos + have);
    if (n === 0) break;
    have += n;
    const lastNl = buf.lastIndexOf(10, have - 1);
    if (lastNl < 0) {
      // No newline yet: a long line. Past the limit, stop holding it and count it invalid.
      if (have > MAX_LINE_BYTES && !skippingLongLine) {
        // Not read whole, so it cannot be told apart from a line carrying reason codes.
        tally.invalid++;
        noteDoubt(tally, 'suspect', `${name} byte ${pos}: a line over the ${MAX_LINE_BYTES}-byte limit, not read whole: it may carry reason codes`);
        skippingLongLine = true;
      }
      if (skippingLongLine) {
        pos += have;
        have = 0;
      }
      continue;
    }
    let start = 0;
    if (skippingLongLine) {
      start = buf.indexOf(10) + 1; // the rest of the long line ends at the first newline
      skippingLongLine = false;
    }
    scanPieces(buf, start, lastNl + 1, tally, name, pos);
    buf.copy(buf, 0, lastNl + 1, have);
    pos += lastNl + 1;
    have -= lastNl + 1;
  }
  if (have > 0 && !skippingLongLine && (final || isCompleteObject(buf, have))) {
    scanPieces(buf, 0, have, tally, name, pos);
    pos += have;
    have = 0;
  }
  if (skippingLongLine && final) {
    pos += have;
    have = 0;
  }
  return { offset: pos, pendingBytes: have, bytesRead: pos + have - from };
}

/**
 * Reads a log file by path without blocking or throwing: a missing file reads as empty; one
 * that cannot be read (a FIFO, a directory, no permission) counts as lost, with its sentence.
 */
export function readLogFile(path: string, from: number, final: boolean, tally: LogTally): LogRead {
  const name = basename(path);
  const opened = openUntrusted(path, name);
  if (!opened.ok) {
    if (!opened.missing) noteDoubt(tally, 'lost', `${opened.reason}: its lines cannot be read and may be lost`);
    return { offset: from, pendingBytes: 0, bytesRead: 0 };
  }
  try {
    return readLogFd(opened.file.fd, from, final, tally, opened.file.stat.size, name);
  } finally {
    closeSync(opened.file.fd);
  }
}

/** scanLines over buf[start, end) (buf[0] at file offset `pos`), in pieces of whole lines of about PIECE bytes. */
function scanPieces(buf: Buffer, start: number, end: number, tally: LogTally, name: string, pos: number): void {
  const last: LastValid = { start: -1, end: -1 };
  while (end - start > PIECE) {
    let cut = buf.lastIndexOf(10, start + PIECE - 1);
    if (cut < start) cut = buf.indexOf(10, start + PIECE);
    if (cut === -1 || cut + 1 >= end) break;
    scanLines(buf, start, cut + 1, tally, { name, offset: pos + start }, last);
    start = cut + 1;
  }
  scanLines(buf, start, end, tally, { name, offset: pos + start }, last);
  if (last.start >= 0) setLast(buf, last.start, last.end, tally);
}

/** A buffer at least twice as large with room for `want` more bytes after the `have` kept. */
function grow(buf: Buffer, have: number, want: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, have + want));
  buf.copy(bigger, 0, 0, have);
  return bigger;
}

function isCompleteObject(buf: Buffer, have: number): boolean {
  const text = buf.toString('utf8', 0, have).trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
