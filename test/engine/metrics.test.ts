/**
 * Metric semantics in the engine (issue 17), check by check. Pure: observations are built in
 * memory, no disk, no server. A failed query errors (hold, never a pass, never a passing check,
 * never a rollback by itself); no data follows onNoData; NaN and ±Inf error unless a rule reads
 * only `kind`; `count` counts within the phase; `onError` counts errors apart from matches.
 */
import { describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/engine/check.js';
import type { MetricObservation, Observations } from '../../src/engine/observations.js';
import type { RolloutState } from '../../src/engine/state.js';
import { blockedReason } from '../../src/engine/rule-context.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;

function specOf({ metric = '', gates = '', triggers = '', soak = '10m', minChecks = 1 } = {}): Spec {
  const text = `
apiVersion: rollgate/v1
kind: Rollout
metadata: { name: metered }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
metrics:
  err:
    prometheus: { address: "http://127.0.0.1:9090", query: 'sum(rate(errors{phase="{{phase.name}}"}[5m]))' }
${metric}
  gw:
    http: { url: "http://127.0.0.1:8080/health", pointer: /health/failure_streak }
phases:
  - name: canary-1
    traffic: 5
    soak: ${soak}
    minChecks: ${minChecks}
    gates:
${gates || `      - { name: low-errors, rule: { "<": [ { var: metrics.err.value }, 0.01 ] } }
      - { name: gateway, rule: { "==": [ { var: metrics.gw.value }, 0 ] } }`}
  - name: ga
    traffic: 100
${triggers ? `triggers:\n${triggers}` : ''}
`;
  const loaded = loadSpecText(text, 'metered.yaml');
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return loaded.spec;
}

type Answer = number | null | 'NaN' | 'Inf' | { error: string } | { text: string };

function answer(a: Answer, nowMs: number, source: 'prometheus' | 'http' = 'prometheus'): MetricObservation {
  const frame = { source, query: source === 'prometheus' ? 'q' : 'GET u /p', time_unix_ms: nowMs };
  if (a === null) return { ok: true, ...frame, shape: 'empty vector', kind: 'empty', value: null, samples: 0 };
  if (a === 'NaN') return { ok: true, ...frame, shape: 'vector of 1 series', kind: 'nan', value: null, samples: 1 };
  if (a === 'Inf') return { ok: true, ...frame, shape: 'scalar', kind: 'inf', value: null, samples: 1 };
  if (typeof a === 'number') return { ok: true, ...frame, shape: 'vector of 1 series', kind: 'scalar', value: a, samples: 1 };
  if ('text' in a) return { ok: true, ...frame, shape: 'JSON string', kind: 'string', value: a.text, samples: 1 };
  return { ok: false, ...frame, error: a.error };
}

function obs(err: Answer, nowMs: number, gw: Answer = 0): Observations {
  return { surfaces: {}, inputs: {}, metrics: { err: answer(err, nowMs), gw: answer(gw, nowMs, 'http') } };
}

/** Runs checks every `every` minutes from T0 with the given answers of `err`; returns every result. */
function run(spec: Spec, answers: Answer[], every = 5): CheckResult[] {
  let state: RolloutState | null = null;
  const out: CheckResult[] = [];
  answers.forEach((a, i) => {
    const now = T0 + i * every * MIN;
    const r = check(spec, state, obs(a, now), now, { dryRun: false });
    state = r.next;
    out.push(r);
  });
  return out;
}

const decisions = (rs: CheckResult[]) => rs.map((r) => r.record.decision);

describe('a metric gate', () => {
  it('passes, soaks and promotes on low values, holds on a high one', () => {
    const rs = run(specOf(), [0.002, 0.002, 0.002, 0.05, 0.002]);
    expect(decisions(rs)).toEqual(['wait', 'wait', 'promote', 'complete', 'complete']);
    // The soak restarts at the bad check (+5m), so 10m more are needed: promote at +15m.
    const held = run(specOf(), [0.002, 0.05, 0.002, 0.002, 0.002]);
    expect(decisions(held)).toEqual(['wait', 'hold', 'wait', 'promote', 'complete']);
    expect(held[1]!.record.gates[0]).toMatchObject({ name: 'low-errors', result: 'fail' });
  });

  it('a failed query errors: hold, the soak restarts, never a passing check, never a rollback without onError', () => {
    const spec = specOf({ minChecks: 3, soak: '0', triggers: '  - { name: spike, when: { ">": [ { var: metrics.err.value }, 0.05 ] }, action: rollback }' });
    const rs = run(spec, [0.002, 0.002, { error: 'Prometheus at http://127.0.0.1:9090 refused the connection (ECONNREFUSED)' }, 0.002, 0.002, 0.002]);
    expect(decisions(rs)).toEqual(['wait', 'wait', 'hold', 'wait', 'wait', 'promote']);
    const failed = rs[2]!.record;
    expect(failed.gates[0]).toMatchObject({ result: 'error', message: expect.stringContaining('refused the connection') });
    expect(failed.triggers[0]).toMatchObject({ matched: null, fired: false });
    expect(failed.soak.passing_checks).toBe(0);
    expect(failed.reasons.join('\n')).toContain('metric `err`: Prometheus at http://127.0.0.1:9090 refused the connection');
    expect(failed.metrics!.err).toEqual({ source: 'prometheus', query: 'q', time_unix_ms: T0 + 10 * MIN, shape: 'no answer', kind: null, value: null, samples: 0, error: 'Prometheus at http://127.0.0.1:9090 refused the connection (ECONNREFUSED)' });
  });

  it('no data holds by default (soak restarts) and reads kind `empty`; onNoData: 0 judges 0 instead', () => {
    const rs = run(specOf(), [0.002, null, 0.002, 0.002, 0.002]);
    expect(decisions(rs)).toEqual(['wait', 'hold', 'wait', 'promote', 'complete']);
    expect(rs[1]!.record.gates[0]!.message).toContain('metric `err` has no data (empty vector); `onNoData: hold` holds until it has, and never rolls back');

    const kind = specOf({ gates: '      - { name: quiet, rule: { "==": [ { var: metrics.err.kind }, empty ] } }' });
    expect(run(kind, [null])[0]!.record.gates[0]!.result).toBe('pass');

    const zero = specOf({ metric: '    onNoData: 0' });
    const r = run(zero, [null, null, null]);
    expect(decisions(r)).toEqual(['wait', 'wait', 'promote']);
    expect(r[0]!.record.metrics!.err).toMatchObject({ kind: 'empty', value: 0, shape: 'empty vector; onNoData: 0' });
  });

  it('NaN and ±Inf error when the rule reads value, and can be tested through kind', () => {
    for (const bad of ['NaN', 'Inf'] as const) {
      const r = run(specOf(), [bad])[0]!.record;
      expect(r.decision).toBe('hold');
      expect(r.gates[0]).toMatchObject({ result: 'error', message: expect.stringContaining(`is ${bad === 'NaN' ? 'NaN' : '±Inf'}`) });
    }
    const spec = specOf({ gates: '      - { name: finite, rule: { "==": [ { var: metrics.err.kind }, scalar ] } }' });
    expect(run(spec, ['NaN'])[0]!.record.gates[0]!.result).toBe('fail');
    expect(run(spec, [0.5])[0]!.record.gates[0]!.result).toBe('pass');
  });

  it('a rule reading through a computed path is blocked by any unusable metric (validate refuses reading `metrics` whole)', () => {
    for (const rule of ['{ "==": [ { var: { cat: [ "metrics.", "gw", ".value" ] } }, 1 ] }']) {
      const spec = specOf({ gates: `      - { name: any, rule: ${rule} }` });
      const r = run(spec, [{ error: 'down' }])[0]!.record;
      expect(r.gates[0]).toMatchObject({ result: 'error', message: expect.stringContaining('the rule has a computed path') });
    }
  });

  it('with every surface usable, a computed path is blocked by the metric, and says so', () => {
    const ctx = { base: {}, surfaces: {}, unusableSurfaces: new Map(), unusableInputs: new Map(), unknownWindows: new Map(), metricEvidence: {},
      metricDoubt: new Map([['err', { fields: 'all' as const, why: 'metric `err`: down', noData: false }]]) };
    expect(blockedReason({ var: { cat: ['metrics.', 'gw'] } }, ctx, null)).toEqual({ why: 'the rule has a computed path, and metric `err`: down', noData: false });
    expect(blockedReason({ var: 'metrics.gw.value' }, ctx, null)).toBeNull();
    expect(blockedReason({ var: 'metrics.err.kind' }, ctx, null)).toEqual({ why: 'metric `err`: down', noData: false });
    const empty = { ...ctx, metricDoubt: new Map([['err', { fields: 'value' as const, why: 'no data', noData: true }]]) };
    expect(blockedReason({ var: 'metrics.err.kind' }, empty, null)).toBeNull();
    expect(blockedReason({ var: 'metrics.err' }, empty, null)).toEqual({ why: 'no data', noData: true });
  });

  it('a JSON string is compared as a string; comparing it with a number is an error', () => {
    const spec = specOf({ gates: '      - { name: gw-ok, rule: { "==": [ { var: metrics.gw.value }, 0 ] } }' });
    let state: RolloutState | null = null;
    const r = check(spec, state, obs(0.001, T0, { text: '0' }), T0, { dryRun: false });
    state = r.next;
    expect(r.record.gates[0]).toMatchObject({ result: 'error' });
  });
});

describe('triggers on metrics', () => {
  const spike = (extra: string) => `  - { name: spike, when: { ">": [ { var: metrics.err.value }, 0.05 ] }, action: rollback${extra} }`;

  it('two consecutive bad checks roll back; one bad check between good ones does not', () => {
    const spec = specOf({ soak: '1h', gates: '      - { name: always, rule: true }', triggers: spike(', consecutive: 2') });
    expect(decisions(run(spec, [0.002, 0.06, 0.002, 0.06, 0.06]))).toEqual(['wait', 'wait', 'wait', 'wait', 'rollback']);
  });

  it('count: 3 within the phase fires on the third bad check, consecutive or not; counts restart in the next phase', () => {
    const spec = specOf({ soak: '1h', gates: '      - { name: always, rule: true }', triggers: spike(', count: 3') });
    const rs = run(spec, [0.06, 0.002, 0.06, 0.002, 0.002, 0.06]);
    expect(decisions(rs)).toEqual(['wait', 'wait', 'wait', 'wait', 'wait', 'rollback']);
    expect(rs[5]!.record.triggers[0]).toMatchObject({ fired: true, streak: 1, count: { within: 'phase', matches: 3, required: 3 } });
    expect(rs[5]!.record.reasons[0]).toContain('3rd matching check in this phase, count 3');

    // Two matches in canary-1, then a promote: ga starts counting from 0.
    const short = specOf({ soak: '10m', gates: '      - { name: always, rule: true }', triggers: `${spike(', count: 3').slice(0, -2)}, phases: [ canary-1, ga ] }` });
    const promoted = run(short, [0.06, 0.002, 0.06]);
    expect(decisions(promoted)).toEqual(['wait', 'wait', 'promote']);
    expect(promoted[1]!.next.phase_matches).toEqual({ spike: { '': 1 } });
    expect(promoted[2]!.next.phase_matches).toBeUndefined();
  });

  it('onError: four unreadable checks in a row roll back; an evaluated check resets the count; no data never counts', () => {
    const spec = specOf({ soak: '1h', triggers: spike(', onError: { consecutive: 4, action: rollback }') });
    const down = { error: 'Prometheus at http://127.0.0.1:9090: no answer within 5000 ms' };
    const rs = run(spec, [0.002, down, down, down, down]);
    expect(decisions(rs)).toEqual(['wait', 'hold', 'hold', 'hold', 'rollback']);
    expect(rs[4]!.record.triggers[0]).toMatchObject({ matched: null, fired: true, action: 'rollback', errors: { streak: 4, consecutive: 4, action: 'rollback' } });
    expect(rs[4]!.record.reasons[0]).toBe('trigger `spike` fired: could not be evaluated at 4 checks in a row (onError.consecutive 4), this time because metric `err`: Prometheus at http://127.0.0.1:9090: no answer within 5000 ms; action rollback');

    expect(decisions(run(spec, [down, down, down, 0.002, down, down, down]))).toEqual(['hold', 'hold', 'hold', 'wait', 'hold', 'hold', 'hold']);
    const quiet = run(spec, [null, null, null, null, null, null]);
    expect(decisions(quiet)).toEqual(['hold', 'hold', 'hold', 'hold', 'hold', 'hold']);
    expect(quiet[5]!.record.triggers[0]!.errors).toEqual({ streak: 0, consecutive: 4, action: 'rollback' });
    // NaN is an error, not no data.
    expect(decisions(run(spec, ['NaN', 'NaN', 'NaN', 'NaN']))).toEqual(['hold', 'hold', 'hold', 'rollback']);
  });

  it('onError with action hold fires a hold, reported once', () => {
    const spec = specOf({ soak: '1h', triggers: spike(', onError: { consecutive: 2, action: hold }') });
    const rs = run(spec, [{ error: 'down' }, { error: 'down' }]);
    expect(decisions(rs)).toEqual(['hold', 'hold']);
    expect(rs[1]!.record.reasons.filter((r) => r.startsWith('trigger'))).toEqual(['trigger `spike` fired: could not be evaluated at 2 checks in a row (onError.consecutive 2), this time because metric `err`: down; action hold']);
  });

  it('an error in one metric and no data in another: the error decides, so onError counts it', () => {
    const spec = specOf({ soak: '1h', triggers: '  - { name: both, when: { or: [ { ">": [ { var: metrics.err.value }, 0.05 ] }, { ">": [ { var: metrics.gw.value }, 3 ] } ] }, action: rollback, onError: { consecutive: 1, action: rollback } }' });
    const r = check(spec, null, obs({ error: 'down' }, T0, null), T0, { dryRun: false });
    expect(r.record.decision).toBe('rollback');
    const r2 = check(spec, null, obs(null, T0, { error: 'down' }), T0, { dryRun: false });
    expect(r2.record.decision).toBe('rollback');
  });
});

describe('evidence', () => {
  it('the same spec, observations and instant give the same record byte for byte', () => {
    const a = run(specOf(), [0.002, null, 'NaN', { error: 'x' }]).map((r) => JSON.stringify(r.record));
    const b = run(specOf(), [0.002, null, 'NaN', { error: 'x' }]).map((r) => JSON.stringify(r.record));
    expect(a).toEqual(b);
    expect(JSON.parse(a[0]!).metrics).toEqual({
      err: { source: 'prometheus', query: 'q', time_unix_ms: T0, shape: 'vector of 1 series', kind: 'scalar', value: 0.002, samples: 1, error: null },
      gw: { source: 'http', query: 'GET u /p', time_unix_ms: T0, shape: 'vector of 1 series', kind: 'scalar', value: 0, samples: 1, error: null },
    });
  });

  it('a spec without metrics keeps its records and state as before (no metrics field, no new counters)', () => {
    const text = 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: { name: plain }\nsurfaces: { web: { stateDir: web } }\nphases:\n  - { name: only, traffic: 100, gates: [ { name: t, rule: true } ] }\n';
    const spec = loadSpecText(text, 'plain.yaml').spec!;
    const r = check(spec, null, { surfaces: {}, inputs: {} }, T0, { dryRun: false });
    expect(r.record).not.toHaveProperty('metrics');
    expect(r.next).not.toHaveProperty('error_streaks');
    expect(r.next).not.toHaveProperty('phase_matches');
  });
});
