/**
 * What split-read.ts and its worker (scan-worker.ts) exchange: the part to scan, cut at line
 * starts into pieces, shared words that say who owns the part and which piece is next, and the
 * answer. A worker claims its part (WAITING → CLAIMED) before it reads; the waiting thread may
 * give up on one that has not (WAITING → GIVEN_UP): one compare-and-swap each, so exactly one of
 * them owns the part. The worker scans the part's first piece, then takes pieces one at a time
 * from the shared counter (NEXT), as the waiting thread does once its own part is done: each
 * piece is scanned once, by whichever thread took it, and the slower thread is helped.
 */
import type { MessagePort } from 'node:worker_threads';
import { emptyTally, type LogTally } from '../engine/log-tally.js';
import type { LogRead } from './log-range.js';

export const WAITING = 0;
export const CLAIMED = 1;
export const DONE = 2;
export const GIVEN_UP = 3;

/** The words of `shared`: the state above, KiB scanned so far (progress), the next piece to take. */
export const STATE = 0;
export const KIB = 1;
export const NEXT = 2;
export const SHARED_WORDS = 3;

export interface ScanJob {
  fd: number;
  /** The part's pieces: piece k is [cuts[k], cuts[k + 1]), each cut at a line start. */
  cuts: number[];
  /** The part ends the file, and the file gets no more lines: its last piece's last line counts. */
  final: boolean;
  name: string;
  alignFrom: number;
  /** The answer goes here, before `shared[STATE]` says DONE. */
  port: MessagePort;
  /** STATE, KIB and NEXT (the worker starts at piece 0; NEXT starts at 1). */
  shared: Int32Array;
}

/** One piece's scan: which piece, where its read stopped, what it counted. */
export interface PieceAnswer {
  piece: number;
  read: LogRead;
  tally: WireTally;
}

/** A tally as sent between threads: codes as pairs (a cloned object would gain a prototype). */
export interface WireTally extends Omit<LogTally, 'codes'> {
  codes: [string, number][];
}

export type ScanAnswer = { pieces: PieceAnswer[] } | { error: string };

export function toWire(t: LogTally): WireTally {
  return { ...t, codes: Object.entries(t.codes) };
}

export function fromWire(w: WireTally): LogTally {
  const t = emptyTally();
  for (const [code, count] of w.codes) t.codes[code] = count;
  return { ...t, cycles: w.cycles, invalid: w.invalid, last: w.last, suspect: w.suspect, lost: w.lost, doubt: w.doubt };
}
