/** Decision records as run rows: what makes consecutive records one run (simulate's text, `rollgate test` failures). */
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { decisionRuns, runRow, runShape } from '../../src/engine/record-rows.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const rec = (s: number, decision: DecisionRecord['decision'], reason: string, phase = 'canary-1'): DecisionRecord =>
  ({ decision, evaluated_unix_ms: T0 + s * 1000, phase: { name: phase, index: 0, traffic: 5 }, reasons: [reason] }) as unknown as DecisionRecord;

describe('runs of decision records', () => {
  it('one run for the same decision, phase and reason whatever its numbers and durations', () => {
    const records = [rec(0, 'wait', 'soaking: 29m 59s of 30m left'), rec(1, 'wait', 'soaking: 29m 58s of 30m left'), rec(2, 'wait', 'soaking: 1m 500ms of 30m left')];
    expect(decisionRuns(records).map((r) => r.length)).toEqual([3]);
    expect(runRow(records)).toMatch(/^2026-02-16T09:00:00Z {2}wait .*soaking: 29m 59s of 30m left \(×3, until 2026-02-16T09:00:02Z\)$/);
  });

  it('a new run when the reason says something else, the decision or the phase changes, and again when the first reason comes back', () => {
    const records = [
      rec(0, 'hold', 'gate `queue-depth` failed'), rec(1, 'hold', 'gate `queue-depth` failed'),
      rec(2, 'hold', 'gate `error-rate` failed'),
      rec(3, 'hold', 'gate `queue-depth` failed'),
      rec(4, 'wait', 'gate `queue-depth` failed'),
      rec(5, 'wait', 'gate `queue-depth` failed', 'canary-2'),
    ];
    expect(decisionRuns(records).map((r) => r.map((x) => (x.evaluated_unix_ms - T0) / 1000))).toEqual([[0, 1], [2], [3], [4], [5]]);
    expect(runShape(records[0]!)).not.toBe(runShape(records[2]!));
    expect(runShape(records[3]!)).toBe(runShape(records[0]!));
  });
});
