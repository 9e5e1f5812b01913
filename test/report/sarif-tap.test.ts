/**
 * `--format sarif` and `--format tap` of validate, evaluate and test, in process: every SARIF log
 * is valid against the official SARIF 2.1.0 schema (test/fixtures/sarif-schema-2.1.0.json, see
 * test/fixtures/README.md) and puts each result at the spec's line and column; every TAP stream
 * is read by a real TAP parser (tap-parser), and hostile producer text (a `#`, newlines, a forged
 * `not ok`, `Bail out!`, ANSI escapes) does not change what it reads.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import _addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { DECISION_RENDERERS } from '../../src/report/decision/index.js';
import { terminalSafe } from '../../src/report/escape.js';
import { artifactUri } from '../../src/report/sarif.js';
import { TEST_RENDERERS } from '../../src/report/spec-test/index.js';
import { tapText } from '../../src/report/tap.js';
import { RENDERERS } from '../../src/report/validation/index.js';
import type { CoverageItem } from '../../src/spec-test/coverage.js';
import type { TestRun } from '../../src/spec-test/run-tests.js';
import { loadSpecText, type SpecResult } from '../../src/spec/load-spec.js';
import { ROOT } from '../helpers/paths.js';
import { fixtureSpec, RECORD, SPEC_FILE } from './fixture-record.js';

const addFormats = _addFormats as unknown as typeof _addFormats.default;

// ---------------------------------------------------------------------------------------------
// SARIF

let validator: ValidateFunction | undefined;
/** The official schema, compiled once (draft-07; formats checked: uri, uri-reference, date-time…). */
function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validator = ajv.compile(JSON.parse(readFileSync(ROOT + 'test/fixtures/sarif-schema-2.1.0.json', 'utf8')));
  return validator;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } } }[];
  partialFingerprints: Record<string, string>;
}
interface SarifRun {
  tool: { driver: { name: string; version?: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
  automationDetails: { id: string };
  results: SarifResult[];
  properties?: Record<string, unknown>;
}

/** The log, checked against the schema; its one run. */
function sarifRun(stdout: string): SarifRun {
  expect(stdout.endsWith('}\n')).toBe(true);
  const log = JSON.parse(stdout) as { version: string; runs: SarifRun[] };
  const validate = sarifValidator();
  expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0]!;
  expect(run.tool.driver.name).toBe('rollgate');
  // Each result names its rule, and the rule at ruleIndex is that rule.
  for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  return run;
}

const where = (r: SarifResult) => {
  const l = r.locations[0]!.physicalLocation;
  return { uri: l.artifactLocation.uri, line: l.region?.startLine ?? 0, col: l.region?.startColumn ?? 0 };
};

const TOOL = { tool: { version: '0.1.0' } };
const spec = fixtureSpec();

const load = (rel: string): SpecResult => loadSpecText(readFileSync(ROOT + rel), rel);

describe('artifactUri: the spec path as given, as a URI reference', () => {
  it.each([
    ['specs/release.yaml', 'specs/release.yaml'],
    ['./specs/release.yaml', 'specs/release.yaml'],
    ['specs\\release.yaml', 'specs/release.yaml'],
    ['<stdin>', '%3Cstdin%3E'],
    ['specs/a b#1?.yaml', 'specs/a%20b%231%3F.yaml'],
    ['/tmp/w/specs/release.yaml', 'file:///tmp/w/specs/release.yaml'],
    ['C:\\work\\specs\\release.yaml', 'file:///C:/work/specs/release.yaml'],
  ])('%s → %s', (file, uri) => {
    expect(artifactUri(file)).toBe(uri);
  });
});

describe('validate --format sarif', () => {
  const invalid = ['fixtures/specs/invalid/unknown-key.yaml', 'fixtures/specs/invalid/bad-cron.yaml', 'fixtures/specs/invalid/misspelled-reason-code.yaml', 'fixtures/specs/invalid/yaml-syntax.yaml'];
  const results = [load('fixtures/specs/valid-minimal.yaml'), ...invalid.map(load)];
  const missing: SpecResult = { file: 'specs/gone.yaml', spec: null, missing: true, diagnostics: [{ severity: 'error', code: 'missing-file', message: 'no such file', file: 'specs/gone.yaml', line: 0, col: 0, path: '' }] };

  it('a result per diagnostic, at its file, line and column, with the rule rollgate/<code>', () => {
    const diagnostics = results.flatMap((r) => r.diagnostics);
    expect(diagnostics.length).toBeGreaterThanOrEqual(invalid.length);
    const run = sarifRun(RENDERERS.sarif(results, TOOL).stdout);
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.automationDetails.id).toBe('rollgate/validate/');
    expect(run.results.map((r) => ({ rule: r.ruleId, level: r.level, text: r.message.text, ...where(r) }))).toEqual(
      diagnostics.map((d) => ({ rule: `rollgate/${d.code}`, level: d.severity, text: d.message, uri: d.file, line: d.line, col: d.col })),
    );
    // The valid spec has no result; unknown-key.yaml's is where the misspelled key is.
    expect(run.results.map((r) => where(r).uri)).not.toContain('fixtures/specs/valid-minimal.yaml');
    const unknown = run.results.find((r) => r.ruleId === 'rollgate/unknown-key')!;
    const line = readFileSync(ROOT + 'fixtures/specs/invalid/unknown-key.yaml', 'utf8').split('\n')[where(unknown).line - 1]!;
    expect(line.slice(where(unknown).col - 1)).toMatch(/^sevrity:/);
  });

  it('a file without a position (missing) has no region; warnings are warnings; no results for valid specs', () => {
    const run = sarifRun(RENDERERS.sarif([missing, load('fixtures/specs/invalid/misspelled-reason-code.yaml')]).stdout);
    expect(run.results[0]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'specs/gone.yaml' } });
    expect(run.tool.driver.version).toBeUndefined(); // no context: no version claimed
    expect(sarifRun(RENDERERS.sarif([load('fixtures/specs/valid-minimal.yaml'), load('specs/release.yaml')], TOOL).stdout).results).toEqual([]);
  });

  it('fingerprints are stable and tell results apart', () => {
    const a = sarifRun(RENDERERS.sarif(results, TOOL).stdout).results.map((r) => r.partialFingerprints['rollgateFinding/v1']);
    const b = sarifRun(RENDERERS.sarif(results, TOOL).stdout).results.map((r) => r.partialFingerprints['rollgateFinding/v1']);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });
});

/** RECORD as a hold: a failing and an erroring gate, a fired hold trigger, a quiet and an erroring one. */
const HOLD: DecisionRecord = {
  ...RECORD,
  decision: 'hold',
  rollout_gate: 'hold',
  status: 'progressing',
  triggers: RECORD.triggers.map((t) => (t.fired ? { ...t, action: 'hold', severity: 'medium' } : t)),
};

describe('evaluate --format sarif', () => {
  it('a hold: a result per failing or erroring gate and per fired or erroring trigger, where the spec writes it; passing ones are absent', () => {
    const run = sarifRun(DECISION_RENDERERS.sarif(HOLD, { spec, explain: false, ...TOOL }).stdout);
    expect(run.automationDetails.id).toBe('rollgate/evaluate/custom-command/');
    expect(run.properties).toMatchObject({ rollout: 'custom-command', decision: 'hold', phase: 'canary-2' });
    expect(run.results.map((r) => [r.ruleId, r.level, where(r)])).toEqual([
      ['rollgate/gate-failed', 'warning', { uri: SPEC_FILE, line: 57, col: 15 }],
      ['rollgate/gate-error', 'warning', { uri: SPEC_FILE, line: 81, col: 15 }],
      ['rollgate/trigger-fired', 'warning', { uri: SPEC_FILE, line: 112, col: 11 }],
      ['rollgate/trigger-error', 'warning', { uri: SPEC_FILE, line: 127, col: 7 }],
    ]);
    expect(run.results[0]!.message.text).toBe('gate no-failure-streak [custom-command] failed: surface.health.failure_streak is 2, not 0');
    expect(run.results[2]!.message.text).toBe('trigger health-regression [custom-command] fired (hold): surface.health_state is "degraded"');
    // The positions are those of the gate's rule and the trigger's `when` in the spec itself.
    const lines = readFileSync(ROOT + SPEC_FILE, 'utf8').split('\n');
    expect(lines[56]!.slice(0, 14)).toMatch(/ rule: $/);
    expect(lines[111]!.slice(0, 10)).toMatch(/ when: $/);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['rollgate/gate-failed', 'rollgate/gate-error', 'rollgate/trigger-fired', 'rollgate/trigger-error']);
  });

  it('a rollback: its failing gates and fired rollback triggers are errors; a record without positions points at the spec file', () => {
    const run = sarifRun(DECISION_RENDERERS.sarif(RECORD, { spec, explain: false }).stdout);
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'warning']);
    const unplaced = { ...RECORD, gates: RECORD.gates.map((g) => ({ ...g, source: null })) };
    expect(where(sarifRun(DECISION_RENDERERS.sarif(unplaced, { spec, explain: false }).stdout).results[0]!)).toEqual({ uri: SPEC_FILE, line: 0, col: 0 });
  });

  it('a promotion with every gate passing has no result', () => {
    const clean: DecisionRecord = { ...RECORD, decision: 'promote', gates: RECORD.gates.filter((g) => g.result === 'pass'), triggers: RECORD.triggers.filter((t) => !t.fired && t.matched !== null) };
    expect(sarifRun(DECISION_RENDERERS.sarif(clean, { spec, explain: false }).stdout).results).toEqual([]);
  });
});

// A test run, by hand: one file with a passing and a failing case, an invalid test file, and the coverage of one spec.
const TEST_FILE = 'specs/custom-command.test.yaml';
const gate = (name: string, positive: string[], negative: string[], line: number): CoverageItem => ({ kind: 'gate', name, phase: 'canary-1', source: { file: SPEC_FILE, line, col: 15 }, positive, negative });
function testRun(caseName = 'queue depth 2 holds canary-1', message = 'expected hold at 30m, got promote'): TestRun {
  return {
    files: [
      {
        file: TEST_FILE,
        spec: SPEC_FILE,
        rollout: 'custom-command',
        status: 'ok',
        diagnostics: [],
        cases: [
          { name: 'healthy promotes', line: 3, col: 5, status: 'pass', checks: 7, end: 'promoted to canary-2 at 30m', failures: [], ms: 12 },
          {
            name: caseName,
            line: 9,
            col: 5,
            status: 'fail',
            checks: 8,
            end: 'promoted to canary-2 at 30m',
            failures: [{ expectation: { line: 13, col: 11, text: '{ at: 30m, decision: hold }', at: 30 * 60_000, by: null, decision: 'hold' }, message, expected: ['30m  hold canary-1'], actual: ['30m  promote canary-2'] }],
            ms: 15,
          },
        ],
      },
      {
        file: 'specs/broken.test.yaml',
        spec: null,
        rollout: null,
        status: 'invalid',
        diagnostics: [{ severity: 'error', code: 'unknown-key', message: 'unknown key `expct`', file: 'specs/broken.test.yaml', line: 4, col: 7, path: '/cases/0/expct' }],
        cases: [],
      },
    ],
    coverage: [{ spec: SPEC_FILE, rollout: 'custom-command', items: [gate('healthy', ['healthy promotes'], [caseName], 31), gate('queue-depth', ['healthy promotes'], [], 47)], covered: 1 }],
    summary: { files: 2, cases: 2, passed: 1, failed: 1, invalid: 1, missing: 0 },
  };
}

describe('test --format sarif', () => {
  it('a result per failing expectation (at its line in the test file), per diagnostic of an invalid file, per coverage gap (at the gate)', () => {
    const run = sarifRun(TEST_RENDERERS.sarif(testRun(), TOOL).stdout);
    expect(run.automationDetails.id).toBe('rollgate/test/');
    expect(run.results.map((r) => [r.ruleId, r.level, where(r)])).toEqual([
      ['rollgate/case-failed', 'error', { uri: TEST_FILE, line: 13, col: 11 }],
      ['rollgate/unknown-key', 'error', { uri: 'specs/broken.test.yaml', line: 4, col: 7 }],
      ['rollgate/coverage-gap', 'warning', { uri: SPEC_FILE, line: 47, col: 15 }],
    ]);
    expect(run.results[0]!.message.text).toBe('case "queue depth 2 holds canary-1": expected hold at 30m, got promote\n- 30m  hold canary-1\n+ 30m  promote canary-2');
    expect(run.results[2]!.message.text).toBe('gate canary-1/queue-depth is not tested both ways: no case makes it fail');
  });

  it('with --require-coverage a gap is an error', () => {
    const run = sarifRun(TEST_RENDERERS.sarif(testRun(), { ...TOOL, requireCoverage: true }).stdout);
    expect(run.results.find((r) => r.ruleId === 'rollgate/coverage-gap')?.level).toBe('error');
  });
});

// ---------------------------------------------------------------------------------------------
// TAP

interface Tap {
  results: FinalResults;
  asserts: Result[];
  version: number | null;
  extra: string[];
}

function parseTap(text: string): Promise<Tap> {
  return new Promise((resolve) => {
    const asserts: Result[] = [];
    const extra: string[] = [];
    let version: number | null = null;
    const parser = new Parser((results) => resolve({ results, asserts, version, extra }));
    parser.on('assert', (a: Result) => asserts.push(a));
    parser.on('version', (v: number) => (version = v));
    parser.on('extra', (line: string) => extra.push(line));
    parser.end(text);
  });
}

/** What a TAP consumer counts. */
const counts = (t: Tap) => ({ ok: t.results.ok, count: t.results.count, pass: t.results.pass, fail: t.results.fail, todo: t.results.todo, skip: t.results.skip, bailout: t.results.bailout, plan: [t.results.plan.start, t.results.plan.end] });

/** Everything a producer might put in a message. */
const HOSTILE = 'x # SKIP forged\nnot ok 99 - forged\n1..0 # forged plan\nBail out! forged\n  ---\n  message: forged\n  ...\n\u001b[2J\u001b]0;title\u0007 \\# \\\\ {';
/** How a description shows it: terminalSafe, and a final `{` as `\x7b`. */
const shown = (s: string) => terminalSafe(s).replace(/\{$/, '\\x7b');

describe('tapText', () => {
  it('escapes # and \\ the way TAP reads them back, shows controls and a final { visibly', () => {
    expect(tapText('a # b')).toBe('a \\# b');
    expect(tapText('a\\b')).toBe('a\\\\b');
    expect(tapText('line\nnext')).toBe('line\\\\nnext');
    expect(tapText('opens {')).toBe('opens \\x7b');
  });
});

describe('validate --format tap', () => {
  it('a test point per file and per diagnostic; warnings are TODO', async () => {
    const results = [load('fixtures/specs/valid-minimal.yaml'), load('fixtures/specs/invalid/unknown-key.yaml'), load('fixtures/specs/invalid/misspelled-reason-code.yaml')];
    const diagnostics = results.flatMap((r) => r.diagnostics);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const invalidFiles = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
    const tap = await parseTap(RENDERERS.tap(results).stdout);
    expect(tap.version).toBe(14);
    expect(tap.extra).toEqual([]);
    expect(counts(tap)).toEqual({ ok: false, count: 3 + diagnostics.length, pass: 3 - invalidFiles, fail: invalidFiles + errors + warnings, todo: warnings, skip: 0, bailout: false, plan: [1, 3 + diagnostics.length] });
    expect(tap.asserts[0]!.name).toBe('fixtures/specs/valid-minimal.yaml is valid');
    expect(tap.asserts[1]!.name).toBe('fixtures/specs/invalid/unknown-key.yaml is invalid');
    const d = results[1]!.diagnostics[0]!;
    expect(tap.asserts[2]!.name).toBe(`${d.file}:${d.line}:${d.col}: error: ${d.message}`);
    expect(tap.asserts[2]!.diag).toMatchObject({ message: d.message, severity: 'error', at: `${d.file}:${d.line}:${d.col}`, code: d.code });
  });

  it('a hostile file name does not change what the parser reads', async () => {
    const name = `specs/${HOSTILE}.yaml`;
    const bad = loadSpecText('apiVersion: rollgate/v1\nkind: Nope\n', name);
    const plain = loadSpecText('apiVersion: rollgate/v1\nkind: Nope\n', 'specs/plain.yaml');
    const [hostile, benign] = await Promise.all([parseTap(RENDERERS.tap([bad]).stdout), parseTap(RENDERERS.tap([plain]).stdout)]);
    expect(counts(hostile)).toEqual(counts(benign));
    expect(hostile.extra).toEqual([]);
    expect(hostile.asserts.map((a) => a.ok)).toEqual(benign.asserts.map((a) => a.ok));
    expect(hostile.asserts[0]!.name).toBe(`${shown(name)} is invalid`);
    expect(hostile.asserts[0]!.diag?.at).toBe(bad.diagnostics[0]!.file + ':1:1');
  });
});

describe('evaluate --format tap', () => {
  it('a test point per gate and trigger: passing ones ok, the others not ok with message, at, severity and trace', async () => {
    const tap = await parseTap(DECISION_RENDERERS.tap(HOLD, { spec, explain: false }).stdout);
    expect(counts(tap)).toEqual({ ok: false, count: 6, pass: 2, fail: 4, todo: 0, skip: 0, bailout: false, plan: [1, 6] });
    expect(tap.asserts.map((a) => [a.ok, a.name])).toEqual([
      [true, 'gate healthy [custom-command]'],
      [false, 'gate no-failure-streak [custom-command]'],
      [false, 'gate runs-advancing'],
      [false, 'trigger health-regression [custom-command]'],
      [true, 'trigger failure-streak-breach [custom-command]'],
      [false, 'trigger hard-runtime-errors [custom-command]'],
    ]);
    expect(tap.asserts[1]!.diag).toEqual({ message: 'surface.health.failure_streak is 2, not 0', severity: 'warning', at: `${SPEC_FILE}:57:15`, result: 'fail', phase: 'canary-1', trace: ['var surface.health.failure_streak → 2', '== [2, 0] → false'] });
    expect(tap.asserts[3]!.diag).toMatchObject({ at: `${SPEC_FILE}:112:11`, result: 'fired (hold)' });
  });

  it('a hostile gate message, trace, reason and next step do not change what the parser reads, and come back exact in the YAML', async () => {
    const hostile: DecisionRecord = {
      ...HOLD,
      reasons: [HOSTILE],
      next: HOSTILE,
      gates: HOLD.gates.map((g) => ({ ...g, message: HOSTILE, trace: [HOSTILE] })),
      triggers: HOLD.triggers.map((t) => ({ ...t, message: HOSTILE })),
    };
    const out = DECISION_RENDERERS.tap(hostile, { spec, explain: false }).stdout;
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    const [a, b] = await Promise.all([parseTap(out), parseTap(DECISION_RENDERERS.tap(HOLD, { spec, explain: false }).stdout)]);
    expect(counts(a)).toEqual(counts(b));
    expect(a.extra).toEqual([]);
    expect(a.asserts.map((x) => [x.ok, x.name, x.todo, x.skip])).toEqual(b.asserts.map((x) => [x.ok, x.name, x.todo, x.skip]));
    expect(a.asserts[1]!.diag).toMatchObject({ message: HOSTILE, trace: [HOSTILE] });
  });
});

describe('test --format tap', () => {
  it('a test point per case, per diagnostic of an invalid file and per coverage item; a gap is TODO unless coverage is required', async () => {
    const tap = await parseTap(TEST_RENDERERS.tap(testRun()).stdout);
    expect(tap.asserts.map((a) => [a.ok, a.name, a.todo])).toEqual([
      [true, `${TEST_FILE}: healthy promotes`, false],
      [false, `${TEST_FILE}: queue depth 2 holds canary-1`, false],
      [false, 'specs/broken.test.yaml:4:7: error: unknown key `expct`', false],
      [true, 'coverage of custom-command: gate canary-1/healthy', false],
      [false, 'coverage of custom-command: gate canary-1/queue-depth', 'not tested both ways'],
    ]);
    expect(counts(tap)).toEqual({ ok: false, count: 5, pass: 2, fail: 3, todo: 1, skip: 0, bailout: false, plan: [1, 5] });
    expect(tap.asserts[1]!.diag).toEqual({ message: 'expected hold at 30m, got promote', severity: 'error', at: `${TEST_FILE}:13:11`, expectation: '{ at: 30m, decision: hold }', expected: ['30m  hold canary-1'], actual: ['30m  promote canary-2'], end: 'promoted to canary-2 at 30m' });
    const required = await parseTap(TEST_RENDERERS.tap(testRun(), { requireCoverage: true }).stdout);
    expect(required.asserts[4]!.todo).toBe(false);
    expect(required.results.failures).toHaveLength(3);
  });

  it('a hostile case name and failure message do not change what the parser reads', async () => {
    const [a, b] = await Promise.all([parseTap(TEST_RENDERERS.tap(testRun(HOSTILE, HOSTILE)).stdout), parseTap(TEST_RENDERERS.tap(testRun()).stdout)]);
    expect(counts(a)).toEqual(counts(b));
    expect(a.extra).toEqual([]);
    expect(a.asserts.map((x) => [x.ok, x.todo, x.skip])).toEqual(b.asserts.map((x) => [x.ok, x.todo, x.skip]));
    expect(a.asserts[1]!.name).toBe(`${TEST_FILE}: ${shown(HOSTILE)}`);
    expect(a.asserts[1]!.diag?.message).toBe(HOSTILE);
  });
});
