/**
 * The scan of one byte range of a log file: 1 MiB reads, scanned in pieces of about 256 KiB
 * (each loaded into the template matcher's memory, half of what it holds; pieces of 64 KiB cost
 * a first check over a big log 5% in per-piece work), counting complete lines. A last line without its
 * newline is consumed only when it is already a complete JSON object (nothing can extend it) or
 * the file is final (rotated): a line the producer is still writing is left for the next read.
 *
 * One range is what readLogFd reads on one thread; split-read.ts hands the later part of a
 * large first read to a worker thread, which runs this same function on its part.
 */
import { readSync } from 'node:fs';
import { scanLines, setLastValid, type LastValid } from './line-scanner.js';
import { noteDoubt, type LogTally } from '../engine/log-tally.js';

const CHUNK = 1024 * 1024;
/** How far a line past the limit may be read before it is found too long (CHUNK is a multiple). */
const LIMIT_STEP = 64 * 1024;
/** What scanLines is given at once, in bytes, at most (unless one line is longer). */
const PIECE = 256 * 1024;
/** A longer line is counted invalid without being held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/**
 * The first buffer of a smaller read is this small: a routine check reads a few hundred bytes,
 * and a buffer under 4 KiB comes from Node's shared pool instead of a fresh allocation.
 */
const MIN_BUFFER = 1024;

export interface LogRead {
  /** Offset just after the last consumed line. */
  offset: number;
  /** Bytes left unconsumed at the end (a line being written). */
  pendingBytes: number;
  bytesRead: number;
}

export interface RangeOptions {
  /**
   * Reads end at multiples of LIMIT_STEP counted from here (default: `from`), so that a line
   * near MAX_LINE_BYTES is found too long at the same byte counts whether the range is a whole
   * read or the later part of one split at a line start.
   */
  alignFrom?: number;
  /** Called now and then with the bytes consumed so far (from `from`). */
  progress?: (done: number) => void;
  /** Bytes of the file already read in this check (from `start`): taken from here instead of read again. */
  prefetched?: Prefetched;
}

export interface Prefetched {
  start: number;
  buf: Buffer;
  length: number;
}

const PROGRESS_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * Reads fd from `from` up to `size`, counting into `tally`; `name` (the file's name) says where a
 * suspect line is. `final`: the file gets no more lines (rotated), so a last unterminated line counts.
 */
export function readRange(fd: number, from: number, size: number, final: boolean, tally: LogTally, name: string, options: RangeOptions = {}): LogRead {
  const alignFrom = options.alignFrom ?? from;
  const report = options.progress;
  const pre = options.prefetched;
  let buf: Buffer = takeBuffer(Math.max(MIN_BUFFER, Math.min(CHUNK * 2, size - from)));
  let pos = from; // file offset of buf[0]
  let have = 0; // bytes in buf
  let skippingLongLine = false;
  let reported = from;
  while (pos + have < size) {
    if (report && pos - reported >= PROGRESS_EVERY_BYTES) {
      reported = pos;
      report(pos - from);
    }
    // Near the limit, a line being held is read on in LIMIT_STEP steps, so it is found too long
    // at the same byte counts whatever CHUNK is (reads end LIMIT_STEP-aligned from alignFrom).
    let want = Math.min(have + CHUNK > MAX_LINE_BYTES ? LIMIT_STEP : CHUNK, size - pos - have);
    const misaligned = (pos + have - alignFrom) % LIMIT_STEP;
    if (misaligned !== 0) want = Math.min(want, LIMIT_STEP - misaligned);
    if (buf.length - have < want) buf = grow(buf, have, want);
    const at = pos + have;
    const n = pre !== undefined && at >= pre.start && at + want <= pre.start + pre.length ? pre.buf.copy(buf, have, at - pre.start, at - pre.start + want) : readSync(fd, buf, have, want, at);
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
  giveBack(buf);
  return { offset: pos, pendingBytes: have, bytesRead: pos + have - from };
}

/**
 * The read buffer of a large read, kept for the next one on this thread: a split read scans a
 * big log in dozens of pieces, and a fresh 2 MiB buffer each left tens of MB for the collector
 * (peak RSS of a first check over an 842 MB log: 81 MB, 92 MB with the pieces). One of the
 * standard size at most is kept; a buffer grown for a long line is let go.
 */
let spare: Buffer | null = null;

function takeBuffer(size: number): Buffer {
  if (size !== CHUNK * 2 || spare === null) return Buffer.allocUnsafe(size);
  const buf = spare;
  spare = null; // readRange is not re-entered, but a throw must not leave it shared
  return buf;
}

function giveBack(buf: Buffer): void {
  if (buf.length === CHUNK * 2) spare = buf;
}

/** scanLines over buf[start, end) (buf[0] at file offset `pos`), in pieces of whole lines of about PIECE bytes. */
function scanPieces(buf: Buffer, start: number, end: number, tally: LogTally, name: string, pos: number): void {
  const last: LastValid = { start: -1, end: -1, known: null };
  while (end - start > PIECE) {
    let cut = buf.lastIndexOf(10, start + PIECE - 1);
    if (cut < start) cut = buf.indexOf(10, start + PIECE);
    if (cut === -1 || cut + 1 >= end) break;
    scanLines(buf, start, cut + 1, tally, { name, offset: pos + start }, last);
    start = cut + 1;
  }
  scanLines(buf, start, end, tally, { name, offset: pos + start }, last);
  if (last.start >= 0) setLastValid(buf, last, tally);
}

/** A buffer with room for `want` bytes after the `have` kept: at least twice as large. */
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
