/**
 * Red-team cases found after issue 14 (cases its authors had not tried), each on real files:
 * the healthy baseline of test/helpers/repro-rollout.ts, one thing changed before T1.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runControl } from '../../src/runner/run-control.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { HARD_LINE, HEALTHY_LINE, loadedSpec, Rollout, SPEC, T0, T1 } from '../helpers/repro-rollout.js';

function specOf(text: string): Spec {
  const r = loadSpecText(text, 'spec.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

/** The repro spec with its gates replaced by these rules, and no trigger (whose hold would hide a gate's pass). */
function withGates(rules: string[]): Spec {
  const gates = rules.map((rule, i) => `      - { name: g${i}, rule: ${rule} }`).join('\n');
  return specOf(SPEC.replace(/    gates:\n(      - .*\n)+/, `    gates:\n${gates}\n`).replace(/triggers:\n(  - .*\n)+/, ''));
}

const SUSPECT = '{"reason_codes":"case_processing_failed"}\n';

describe('a YAML input is JSON data, and the YAML parser never prints', () => {
  const yamlSpec = () => SPEC.replace('file: report.json', 'file: report.yaml');

  it('an unknown tag is an invalid input (hold), and its warning with the source line never reaches stderr', () => {
    const r = new Rollout();
    writeFileSync(r.spec, yamlSpec());
    r.w.raw('report.yaml', 'failed: 0\ntotal: 5\nerror_rate: 0.001\n');
    expect(r.evaluate(T0).record.decision).toBe('wait');
    r.freshAtT1();
    // A key a YAML plain scalar allows, which GitHub reads as a workflow command at a line start.
    r.w.raw('report.yaml', '::error file=x,line=1::injected: !foo 1\nfailed: 0\ntotal: 5\nerror_rate: 0.001\n');
    const t1 = r.evaluate(T1);
    expect(t1.record.decision).toBe('hold');
    expect(t1.stderr).not.toMatch(/^::/m);
    expect(t1.stderr).not.toMatch(/YAMLWarning|Unresolved tag/);
  });

  it.each([
    ['!!binary', 'failed: !!binary AA==\n'],
    ['!!timestamp', 'when: !!timestamp 2001-12-14\n'],
    ['!!set', 'owners: !!set { a, b }\n'],
    ['!!omap', 'steps: !!omap [ a: 1 ]\n'],
    ['!!float in YAML 1.2 (a string there)', 'failed: !!float 0\n'],
    ['%YAML 1.1 !!binary', '%YAML 1.1\n---\nblob: !!binary AA==\nfailed: 0\n'],
  ])('%s makes the input invalid, so a gate on it holds', async (_name, text) => {
    const r = new Rollout();
    writeFileSync(r.spec, yamlSpec());
    r.w.raw('report.yaml', 'failed: 0\ntotal: 5\nerror_rate: 0.001\n');
    const spec = specOf(yamlSpec());
    expect((await r.w.check(spec, T0)).decision).toBe('wait');
    r.freshAtT1();
    r.w.raw('report.yaml', (text.startsWith('%') ? text : `${text}failed: 0\n`).replace(/failed: 0\n(.*\n)*failed: 0\n$/, 'failed: 0\n') + 'total: 5\nerror_rate: 0.001\n');
    const t1 = await r.w.check(spec, T1);
    expect(t1.decision).toBe('hold');
  });
});

describe('no rule reads around unknown event windows', () => {
  it('a spec health rule on last_reason_codes does not read a surface healthy past a suspect line', async () => {
    const spec = specOf(SPEC.replace('inputs:', 'health:\n  failing: { in: [ case_processing_failed, { var: last_reason_codes } ] }\n  degraded: { "==": [ { var: health.queue_depth }, 99 ] }\ninputs:')
      .replace(/    gates:\n(      - .*\n)+/, '    gates:\n      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }\n'));
    const r = new Rollout();
    expect((await r.w.check(spec, T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), SUSPECT);
    const t1 = await r.w.check(spec, T1);
    expect(t1.decision).toBe('hold');
    expect(t1.surfaces.s!.health_state).toBe('unknown');
  });

  it.each([
    ['{var: surfaces}', '{ some: [ { merge: [ { var: surfaces } ] }, { "==": [ { var: s.events.phase.case_processing_failed }, 0 ] } ] }'],
  ])('a gate that reads the whole context through %s (lint refuses {var: ""} and {var: null}) holds on a suspect line', async (_name, rule) => {
    const spec = withGates([rule]);
    const r = new Rollout();
    expect((await r.w.check(spec, T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), SUSPECT);
    expect((await r.w.check(spec, T1)).decision).toBe('hold');
  });

  it.each([
    ['{var: surfaces}', '{ some: [ { merge: [ { var: surfaces } ] }, { "<=": [ { var: s.health.queue_depth }, 1 ] } ] }'],
  ])('a gate that reads the whole context through %s holds while state.json is missing', async (_name, rule) => {
    const spec = withGates([rule]);
    const r = new Rollout();
    expect((await r.w.check(spec, T0)).decision).toBe('wait');
    r.w.remove('s/state.json');
    expect((await r.w.check(spec, T1)).decision).toBe('hold');
  });

  it('the same gates still promote on healthy data (the cases above are not vacuous)', async () => {
    const spec = withGates(['{ some: [ { merge: [ { var: surfaces } ] }, { "==": [ { var: s.events.phase.case_processing_failed }, 0 ] } ] }', '{ some: [ { merge: [ { var: surfaces } ] }, { "<=": [ { var: s.health.queue_depth }, 1 ] } ] }']);
    const r = new Rollout();
    expect((await r.w.check(spec, T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), HEALTHY_LINE);
    expect((await r.w.check(spec, T1)).decision).toBe('promote');
    void loadedSpec;
  });
});

describe('a documented reason code garbled in case, spacing or invisible characters still counts', () => {
  it.each([
    ['upper case', '{"reason_codes":["CASE_PROCESSING_FAILED"]}'],
    ['mixed case, fast path', '{"reason_codes":["healthy_cycle","Case_Processing_Failed"]}'],
    ['spaces around (trimmed)', '{"reason_codes":[" case_processing_failed "]}'],
    ['a zero-width space inside (\\u escape)', '{"reason_codes":["case_processing_\\u200bfailed"]}'],
    ['a raw NBSP and BOM around it', '{"reason_codes":["\u00a0case_processing_failed\ufeff"]}'],
    ['spelled with \\u escapes (the key and the code)', '{"reason\\u005fcodes":["case\\u005fprocessing_failed"]}'],
  ])('%s: the hard trigger rolls back, never promote', async (_name, line) => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), line + '\n');
    const t1 = await r.w.check(loadedSpec(), T1);
    expect(t1.decision).toBe('rollback');
  });
});

describe('`missing` reads paths like `var`: an unusable surface or input blocks it', () => {
  it.each([
    ['a state.json with a repeated key', '{ "!!": { missing: [ surface.state.last_error ] } }', (r: Rollout) => r.state(`{"health":{"updated_unix_ms":${T1 - 1000},"queue_depth":5,"queue_depth":0}}`)],
    ['a missing state.json (missing_some)', '{ "!!": { missing_some: [ 1, [ surface.state.last_error ] ] } }', (r: Rollout) => r.w.remove('s/state.json')],
    ['an unparsable report', '{ "!!": { missing: [ inputs.report.failures ] } }', (r: Rollout) => r.w.raw('report.json', '{"failures": [')],
  ])('%s: a gate passing when a field is missing holds', async (_name, rule, garble) => {
    // The one gate (per surface when it reads `surface`); it passes at T0, so the hold is not vacuous.
    const s = rule.includes('surface.')
      ? specOf(SPEC.replace(/    gates:\n(      - .*\n)+/, `    gates:\n      - { name: g, each: surfaces, rule: ${rule} }\n`).replace(/triggers:\n(  - .*\n)+/, ''))
      : withGates([rule]);
    const r = new Rollout();
    expect((await r.w.check(s, T0)).decision).toBe('wait');
    r.freshAtT1();
    garble(r);
    expect((await r.w.check(s, T1)).decision).toBe('hold');
  });
});

describe('an unfinished last line that may carry reason codes is not decided around', () => {
  it('a hard line cut before its newline holds, and rolls back once it is finished', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE.slice(0, 30));
    const t1 = await r.w.check(loadedSpec(), T1);
    expect(t1.decision).toBe('hold');
    expect(JSON.stringify(t1.gates)).toMatch(/unfinished last line/);
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE.slice(30));
    expect((await r.w.check(loadedSpec(), T1 + 60_000)).decision).toBe('rollback');
  });

  it('a log with CR-only line endings (never a newline) holds, never promotes', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE.trim() + '\r' + HEALTHY_LINE.trim() + '\r');
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('hold');
  });

  it('an unfinished line that cannot name reason_codes does not hold (the rule is not vacuous)', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), '{"health_reason":"still wri');
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('promote');
  });
});

describe('acknowledge accepts the doubt, never a valid hard line', () => {
  const ack = async (r: Rollout, nowMs: number) => {
    const run = await runControl(loadedSpec(), 'acknowledge', { root: r.w.root, store: r.path('.rollgate'), nowMs, actor: 'ann', reason: 'checked the disk incident by hand' });
    expect(run.ok).toBe(true);
  };

  it('a valid hard line written between the held check and the acknowledge still rolls back', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), SUSPECT);
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('hold');
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    await ack(r, T1 + 30_000);
    expect((await r.w.check(loadedSpec(), T1 + 60_000)).decision).toBe('rollback');
  });

  it('a valid hard line read by the held check (its trigger could not be evaluated) still rolls back after the acknowledge', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), SUSPECT + HARD_LINE);
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('hold');
    await ack(r, T1 + 30_000);
    expect((await r.w.check(loadedSpec(), T1 + 60_000)).decision).toBe('rollback');
  });

  it('after the acknowledge, healthy lines soak and promote (the cases above are not vacuous)', async () => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), SUSPECT);
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('hold');
    await ack(r, T1 + 30_000);
    appendFileSync(r.path('s/runtime-events.jsonl'), HEALTHY_LINE);
    r.state(`{"health":{"updated_unix_ms":${T1 + 59_000}}}`);
    expect((await r.w.check(loadedSpec(), T1 + 60_000)).decision).toBe('wait');
    r.state(`{"health":{"updated_unix_ms":${T1 + 359_000}}}`);
    expect((await r.w.check(loadedSpec(), T1 + 360_000)).decision).toBe('promote');
  });
});

describe('a reason code in a rule that can never be counted is an error, not a warning', () => {
  it.each([
    ['a path ending in `.` (an empty code)', 'surface.events.phase.'],
    ['the separators left out', 'surface.events.phase.caseprocessingfailed'],
    ['spaces for separators', '"surface.events.phase.case processing failed"'],
  ])('%s: validate refuses the spec (it would read 0 at every check and pass forever)', (_name, path) => {
    const text = SPEC.replace('{ var: surface.events.phase.case_processing_failed }, 0 ] } }', `{ var: ${path} }, 0 ] } }`);
    expect(text).not.toBe(SPEC);
    const r = loadSpecText(text, 'spec.yaml');
    expect(r.spec).toBeNull();
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'misspelled-reason-code')).toBe(true);
  });
});

describe('a reason_codes key garbled in case, separators or invisible characters is suspect', () => {
  it.each([
    ['Reason_Codes (fast path)', '{"Reason_Codes":["case_processing_failed"]}'],
    ['reason-codes', '{"reason-codes":["case_processing_failed"],"health_reason":"x"}'],
    ['a zero-width space (\\u escape)', '{"reason_codes\\u200b":["case_processing_failed"]}'],
    ['a raw NBSP', '{"reason_codes\u00a0":["case_processing_failed"]}'],
  ])('%s: the windows are unknown, so the check holds', async (_name, line) => {
    const r = new Rollout();
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    appendFileSync(r.path('s/runtime-events.jsonl'), line + '\n');
    expect((await r.w.check(loadedSpec(), T1)).decision).toBe('hold');
  });
});
