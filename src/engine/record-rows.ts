/** Decision records as one-line rows, for `simulate`, `journal` and the failures of `rollgate test`. */
import type { DecisionRecord } from './record.js';
import { isoOf } from '../time/instant.js';

/** An instant to the second: `2026-02-16T09:30:00Z`. */
export const isoSeconds = (ms: number) => isoOf(ms).replace('.000Z', 'Z');

/** `hold     canary-1 (5%)                [ann: pause] paused by ann: INC-7` (no time). */
export function decisionRow(r: DecisionRecord): string {
  return `${r.decision.padEnd(8)} ${`${r.phase.name} (${r.phase.traffic}%)`.padEnd(28)} ${r.override ? `[${r.override.actor}: ${r.override.action}] ` : ''}${r.reasons[0] ?? ''}`;
}

/** What makes consecutive records one run: decision, phase, override and first reason with its numbers left out. */
export const runShape = (r: DecisionRecord): string => `${r.decision} ${r.phase.name} ${r.override ? 'override' : ''} ${withoutNumbers(r.reasons[0] ?? '')}`;

const NUMBERS = /(\d+(ms|[dhms]))+|\d+/g;
let lastReason: string | null = null;
let lastWithout = '';

/** A reason with its numbers and durations as `#`; the last answer is kept (a replay gives the same reason for thousands of checks). */
function withoutNumbers(reason: string): string {
  if (reason !== lastReason) {
    lastWithout = reason.replace(NUMBERS, '#');
    lastReason = reason;
  }
  return lastWithout;
}

/** Consecutive records with the same decision, phase and first reason (numbers aside) make one run. */
export function decisionRuns(records: readonly DecisionRecord[]): DecisionRecord[][] {
  const shape = runShape;
  const out: DecisionRecord[][] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last && shape(last[0]!) === shape(r)) last.push(r);
    else out.push([r]);
  }
  return out;
}

/** A run as one row: `2026-02-16T09:00:00Z  wait … (×6, until 2026-02-16T09:25:00Z)`. */
export function runRow(run: readonly DecisionRecord[]): string {
  return runRowOf(run[0]!, run.length, run[run.length - 1]!.evaluated_unix_ms);
}

/** The same row from a run's first record, its length and its last instant (a run that is streamed). */
export function runRowOf(first: DecisionRecord, length: number, lastMs: number): string {
  const repeat = length > 1 ? ` (×${length}, until ${isoSeconds(lastMs)})` : '';
  return `${isoSeconds(first.evaluated_unix_ms)}  ${decisionRow(first)}${repeat}`;
}
