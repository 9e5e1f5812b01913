/**
 * What split-read.ts and its worker (scan-worker.ts) exchange: the part to scan, a shared
 * state word that says who owns the part, and the answer. A worker claims its part
 * (WAITING → CLAIMED) before it reads; the waiting thread may give up on one that has not
 * (WAITING → GIVEN_UP): one compare-and-swap each, so exactly one of them scans the part.
 */
import type { MessagePort } from 'node:worker_threads';
import { emptyTally, type LogTally } from '../engine/log-tally.js';
import type { LogRead } from './log-range.js';

export const WAITING = 0;
export const CLAIMED = 1;
export const DONE = 2;
export const GIVEN_UP = 3;

export interface ScanJob {
  fd: number;
  from: number;
  to: number;
  final: boolean;
  name: string;
  alignFrom: number;
  /** The answer goes here, before `shared[0]` says DONE. */
  port: MessagePort;
  /** [0]: the state above; [1]: KiB scanned so far (progress). */
  shared: Int32Array;
}

/** A tally as sent between threads: codes as pairs (a cloned object would gain a prototype). */
export interface WireTally extends Omit<LogTally, 'codes'> {
  codes: [string, number][];
}

export type ScanAnswer = { read: LogRead; tally: WireTally } | { error: string };

export function toWire(t: LogTally): WireTally {
  return { ...t, codes: Object.entries(t.codes) };
}

export function fromWire(w: WireTally): LogTally {
  const t = emptyTally();
  for (const [code, count] of w.codes) t.codes[code] = count;
  return { ...t, cycles: w.cycles, invalid: w.invalid, last: w.last, suspect: w.suspect, lost: w.lost, doubt: w.doubt };
}
