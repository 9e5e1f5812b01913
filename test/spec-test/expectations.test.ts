/** judge(): expectations against decision records, pure (no disk, no replay). */
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { judge } from '../../src/spec-test/expectations.js';
import type { Expectation } from '../../src/spec-test/test-file.js';
import { readFileSync } from 'node:fs';
import { ROOT } from '../helpers/paths.js';

const spec = loadSpecText(readFileSync(ROOT + 'specs/custom-command.yaml'), 'specs/custom-command.yaml').spec!;
const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;
const PHASES = ['canary-1', 'canary-2', 'canary-3', 'general-availability'];

/** A record with only what judge() reads. */
function rec(minute: number, decision: DecisionRecord['decision'], phase: number, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    schema_version: 1, rollout: 'custom-command', check: minute / 5 + 1, evaluated_unix_ms: T0 + minute * MIN, decision,
    rollout_gate: decision === 'hold' || decision === 'rollback' ? 'hold' : 'pass',
    status: decision === 'rollback' ? 'rolled_back' : decision === 'complete' ? 'complete' : 'progressing',
    phase: { name: PHASES[phase]!, index: phase, traffic: [5, 25, 50, 100][phase]! }, previous_phase: null,
    reasons: [`${decision} because`], gates: [], triggers: [], surfaces: {},
    soak: { required_ms: 0, held_ms: 0, remaining_ms: 0, passing_checks: 0, min_checks: 1 }, next: '', notes: [], hooks: [], dry_run: false, spec_digest: 'x',
    ...extra,
  };
}
const e = (fields: Partial<Expectation>): Expectation => ({ line: 1, col: 1, text: JSON.stringify(fields), at: null, by: null, ...fields });

const promoted = [rec(0, 'wait', 0), rec(5, 'promote', 1), rec(10, 'wait', 1)];

describe('judge', () => {
  it('decision and phase at a check, reason text', () => {
    expect(judge(e({ at: T0 + 5 * MIN, decision: 'promote', phase: 'canary-2' }), promoted, spec, T0)).toBeNull();
    const f = judge(e({ at: T0 + 10 * MIN, decision: 'promote' }), promoted, spec, T0)!;
    expect(f.message).toBe('at 2026-02-16T09:10:00Z (10m): expected decision promote, got wait in canary-2');
    expect(f.actual[0]).toMatch(/^2026-02-16T09:10:00Z {2}wait +canary-2 \(25%\) +wait because$/);
    expect(judge(e({ at: T0, reason: 'because' }), promoted, spec, T0)).toBeNull();
    expect(judge(e({ at: T0, reason: 'queue' }), promoted, spec, T0)!.message).toContain('no reason contains "queue"');
  });

  it('the check at an instant is the check, not a manual action recorded at the same instant', () => {
    const records = [rec(0, 'wait', 0), rec(5, 'hold', 0, { override: { action: 'pause', actor: 'ann', reason: 'r' } }), rec(5, 'wait', 0)];
    expect(judge(e({ at: T0 + 5 * MIN, decision: 'wait' }), records, spec, T0)).toBeNull();
  });

  it('phase reached by an instant counts later phases too', () => {
    expect(judge(e({ by: T0 + 5 * MIN, phase: 'canary-2' }), promoted, spec, T0)).toBeNull();
    expect(judge(e({ by: T0 + 5 * MIN, phase: 'canary-1' }), promoted, spec, T0)).toBeNull();
    expect(judge(e({ by: T0 + 4 * MIN, phase: 'canary-2' }), promoted, spec, T0)!.message).toBe('phase canary-2 not reached by 2026-02-16T09:04:00Z (4m)');
  });

  it('rolled back by a trigger, by an operator, in time or not', () => {
    const byTrigger = [rec(0, 'hold', 0), rec(5, 'rollback', 0, { triggers: [{ name: 'health-regression', surface: 'custom-command', matched: true, streak: 2, consecutive: 2, fired: true, action: 'rollback', severity: 'high', message: '', trace: [], source: null }] })];
    expect(judge(e({ rolled_back_by: 'health-regression' }), byTrigger, spec, T0)).toBeNull();
    expect(judge(e({ rolled_back_by: 'any', by: T0 + 5 * MIN }), byTrigger, spec, T0)).toBeNull();
    expect(judge(e({ rolled_back_by: 'health-regression', at: T0 }), byTrigger, spec, T0)!.message).toContain('rolled back at 2026-02-16T09:05:00Z (5m) by health-regression');
    expect(judge(e({ rolled_back_by: 'failure-streak-breach' }), byTrigger, spec, T0)!.message).toContain('by health-regression');
    const manual = [rec(0, 'rollback', 0, { override: { action: 'abort', actor: 'ann', reason: 'bad' } })];
    expect(judge(e({ rolled_back_by: 'manual' }), manual, spec, T0)).toBeNull();
    expect(judge(e({ rolled_back_by: 'any' }), promoted, spec, T0)!.message).toContain('the rollout was never rolled back');
    expect(judge(e({ never_rolls_back: true }), byTrigger, spec, T0)!.message).toContain('expected no rollback; rolled back at');
  });

  it('completion, no early promotion, and the end status', () => {
    const done = [...promoted, rec(15, 'complete', 3)];
    expect(judge(e({ completed: true, by: T0 + 15 * MIN }), done, spec, T0)).toBeNull();
    expect(judge(e({ completed: true, by: T0 + 14 * MIN }), done, spec, T0)!.message).toContain('completed at 2026-02-16T09:15:00Z');
    expect(judge(e({ completed: false }), done, spec, T0)!.message).toContain('expected never to complete');
    expect(judge(e({ completed: true }), promoted, spec, T0)!.message).toContain('it did not complete');
    expect(judge(e({ never_promotes_before: T0 + 5 * MIN }), promoted, spec, T0)).toBeNull();
    expect(judge(e({ never_promotes_before: T0 + 6 * MIN }), promoted, spec, T0)!.message).toContain('promote at 2026-02-16T09:05:00Z (5m)');
    expect(judge(e({ end: 'complete' }), done, spec, T0)).toBeNull();
    expect(judge(e({ end: 'complete' }), promoted, spec, T0)!.message).toBe('expected the rollout to end complete; it ended progressing');
  });

  it('a gate on each surface: an error beats a failure beats a pass; absent gates are reported', () => {
    const g = (surface: string, result: 'pass' | 'fail' | 'error') => ({ name: 'healthy', phase: 'canary-1', surface, result, message: result, trace: [], source: null });
    const records = [rec(0, 'hold', 0, { gates: [g('a', 'pass'), g('b', 'fail')] })];
    expect(judge(e({ at: T0, gate: 'healthy', result: 'fail' }), records, spec, T0)).toBeNull();
    expect(judge(e({ at: T0, gate: 'healthy', surface: 'a', result: 'pass' }), records, spec, T0)).toBeNull();
    expect(judge(e({ at: T0, gate: 'healthy', result: 'pass' }), records, spec, T0)!.message).toContain('expected pass, got fail');
    expect(judge(e({ at: T0, gate: 'runs-advancing', result: 'pass' }), records, spec, T0)!.message).toContain('was not evaluated');
  });
});
