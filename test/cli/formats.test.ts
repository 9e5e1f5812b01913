/**
 * `--format sarif` and `--format tap` through the built CLI (validate, evaluate, test): exit codes
 * as in every other format, SARIF valid against the official SARIF 2.1.0 schema
 * (test/fixtures/sarif-schema-2.1.0.json) with each result at the spec's path, line and column,
 * TAP read by tap-parser; and `validate -`, a spec from standard input named `<stdin>`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import _addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import { rollgate, type Run } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { T0, World } from '../helpers/world.js';

const addFormats = _addFormats as unknown as typeof _addFormats.default;
const { version } = JSON.parse(readFileSync(ROOT + 'package.json', 'utf8')) as { version: string };

let validator: ValidateFunction | undefined;
function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validator = ajv.compile(JSON.parse(readFileSync(ROOT + 'test/fixtures/sarif-schema-2.1.0.json', 'utf8')));
  return validator;
}

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } } }[];
}

/** The one run of a schema-valid log, with nothing on stderr. */
function sarif(run: Run): { driver: { name: string; version: string; rules: { id: string }[] }; results: SarifResult[]; properties?: Record<string, unknown> } {
  const log = JSON.parse(run.stdout) as { runs: { tool: { driver: { name: string; version: string; rules: { id: string }[] } }; results: SarifResult[]; properties?: Record<string, unknown> }[] };
  const validate = sarifValidator();
  expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  expect(log.runs).toHaveLength(1);
  return { driver: log.runs[0]!.tool.driver, results: log.runs[0]!.results, properties: log.runs[0]!.properties };
}

const at = (r: SarifResult) => {
  const l = r.locations[0]!.physicalLocation;
  return `${l.artifactLocation.uri}:${l.region?.startLine ?? 0}:${l.region?.startColumn ?? 0}`;
};

function tap(text: string): Promise<{ results: FinalResults; asserts: Result[] }> {
  return new Promise((resolve) => {
    const asserts: Result[] = [];
    const parser = new Parser((results) => resolve({ results, asserts }));
    parser.on('assert', (a: Result) => asserts.push(a));
    parser.end(text);
  });
}

/** The CLI with `input` on its stdin (or stdin closed: /dev/null), like `cat spec.yaml | rollgate validate -`. */
function withStdin(args: string[], input: string | Buffer | null, cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [ROOT + 'bin/rollgate.js', ...args], {
    cwd,
    input: input ?? undefined,
    stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
  });
  // EPIPE: the CLI stopped reading before all of `input` was written (it reads a spec up to its size limit).
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') throw new Error(`rollgate did not finish: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('validate', () => {
  const INVALID = ['fixtures/specs/invalid/unknown-key.yaml', 'fixtures/specs/invalid/bad-cron.yaml', 'fixtures/specs/invalid/duplicate-yaml-key.yaml'];

  it('--format sarif: exit 65, a result per diagnostic at the path as given and the line and column of --format json', () => {
    const r = rollgate(['validate', 'fixtures/specs/valid-minimal.yaml', ...INVALID, '--format', 'sarif']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('');
    const run = sarif(r);
    expect(run.driver).toMatchObject({ name: 'rollgate', version });
    const json = JSON.parse(rollgate(['validate', 'fixtures/specs/valid-minimal.yaml', ...INVALID, '--format', 'json']).stdout) as { file: string; errors: { line: number; col: number; code: string; message: string }[] }[];
    const expected = json.flatMap((f) => f.errors.map((e) => ({ rule: `rollgate/${e.code}`, at: `${f.file}:${e.line}:${e.col}`, text: e.message })));
    expect(expected.length).toBeGreaterThanOrEqual(INVALID.length);
    expect(run.results.map((x) => ({ rule: x.ruleId, at: at(x), text: x.message.text }))).toEqual(expected);
    expect(run.results.every((x) => x.level === 'error')).toBe(true);
  });

  it('--format sarif for valid specs: exit 0 and no results', () => {
    const r = rollgate(['validate', 'specs/', '--format', 'sarif']);
    expect(r.code).toBe(0);
    expect(sarif(r).results).toEqual([]);
  });

  it('--format tap: exit codes as always; a point per file and per diagnostic', async () => {
    const ok = rollgate(['validate', 'specs/', '--format', 'tap']);
    expect(ok.code).toBe(0);
    const files = JSON.parse(rollgate(['validate', 'specs/', '--format', 'json']).stdout).length as number;
    const parsed = await tap(ok.stdout);
    expect(parsed.results).toMatchObject({ ok: true, count: files, pass: files, fail: 0 });
    const bad = rollgate(['validate', ...INVALID, '--format', 'tap']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toBe('');
    const failing = await tap(bad.stdout);
    expect(failing.results.ok).toBe(false);
    expect(failing.asserts.filter((a) => a.name.endsWith(' is invalid')).map((a) => a.name)).toEqual(INVALID.map((f) => `${f} is invalid`));
    expect(failing.results.failures.length).toBe(failing.results.count);
    const missing = rollgate(['validate', 'specs/nope.yaml', '--format', 'tap']);
    expect(missing.code).toBe(66);
    expect((await tap(missing.stdout)).asserts[0]!.name).toBe('specs/nope.yaml is missing');
  });
});

describe('validate - (a spec on standard input)', () => {
  const VALID = readFileSync(ROOT + 'fixtures/specs/valid-minimal.yaml');
  const BAD_CRON = readFileSync(ROOT + 'fixtures/specs/invalid/bad-cron.yaml');

  it('a valid spec: exit 0, named <stdin>', () => {
    const r = withStdin(['validate', '-'], VALID);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok      <stdin>\n1 spec checked: 1 valid, 0 invalid (0 errors, 0 warnings)\n');
  });

  it('an invalid spec: exit 65, diagnostics at <stdin>:line:col, the same as for the file', () => {
    const file = rollgate(['validate', 'fixtures/specs/invalid/bad-cron.yaml']);
    const r = withStdin(['validate', '-'], BAD_CRON);
    expect(r.code).toBe(65);
    expect(r.stdout).toContain('INVALID <stdin>');
    expect(r.stderr).toMatch(/^<stdin>:\d+:\d+: error: /);
    expect(r.stderr).toBe(file.stderr.replaceAll('fixtures/specs/invalid/bad-cron.yaml', '<stdin>'));
  });

  it('with files, in the order given; with --format sarif and tap', async () => {
    const r = withStdin(['validate', 'fixtures/specs/valid-minimal.yaml', '-', '--format', 'json'], BAD_CRON);
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout).map((f: { file: string; valid: boolean }) => [f.file, f.valid])).toEqual([['fixtures/specs/valid-minimal.yaml', true], ['<stdin>', false]]);
    const s = withStdin(['validate', '-', '--format', 'sarif'], BAD_CRON);
    expect(s.code).toBe(65);
    const line = (JSON.parse(r.stdout)[1].errors[0] as { line: number; col: number });
    expect(sarif(s).results.map(at)).toEqual([`%3Cstdin%3E:${line.line}:${line.col}`]);
    const t = withStdin(['validate', '-', '--format', 'tap'], BAD_CRON);
    expect(t.code).toBe(65);
    expect((await tap(t.stdout)).asserts[0]!.name).toBe('<stdin> is invalid');
  });

  it('closed or empty stdin does not wait: exit 65 at once, the spec is empty', () => {
    const started = Date.now();
    for (const input of [null, '']) {
      const r = withStdin(['validate', '-'], input);
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/^<stdin>:1:1: error: the spec is empty/);
    }
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('more than MAX_SPEC_BYTES on stdin: read no further, exit 65 too-large', () => {
    const r = withStdin(['validate', '-', '--format', 'json'], Buffer.alloc(3 * 1024 * 1024, 'a'));
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout)[0].errors[0]).toMatchObject({ code: 'too-large', line: 1, col: 1, message: expect.stringMatching(/^standard input holds more than 1 MiB/) });
  });

  it('checked like the same file (the same digest, diagnostics and warnings), under the name <stdin>; paths in it resolve against the working directory like any spec\'s', () => {
    for (const file of ['specs/release.yaml', 'fixtures/specs/invalid/misspelled-reason-code.yaml']) {
      const fromFile = JSON.parse(rollgate(['validate', file, '--format', 'json']).stdout);
      const piped = withStdin(['validate', '-', '--format', 'json'], readFileSync(ROOT + file));
      expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(JSON.stringify(fromFile).replaceAll(file, '<stdin>')));
    }
  });
});

/** A rollout whose gate no-failure-streak fails and whose trigger streak-holds (action hold) fires on failure_streak 1. */
const HOLDING_SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: formats
surfaces:
  custom-command:
    stateDir: .tau/custom-command
    kind: custom-command
    staleAfter: 15m
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - name: no-failure-streak
        each: surfaces
        rule: { "==": [ { var: surface.health.failure_streak }, 0 ] }
      - name: queue-depth
        each: surfaces
        rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] }
  - name: general-availability
    traffic: 100
    soak: 1h
    inherit: true
triggers:
  - name: streak-holds
    each: surfaces
    when: { ">=": [ { var: surface.health.failure_streak }, 1 ] }
    action: hold
    severity: medium
  - name: deep-queue
    each: surfaces
    when: { ">": [ { var: surface.health.queue_depth }, 5 ] }
    action: rollback
    severity: high
`;

/** A scratch project with specs/formats.yaml and the surface at T0 with this failure streak; the spec is named relative to it. */
function project(failureStreak: number): { w: World; args: string[] } {
  const w = new World();
  w.raw('specs/formats.yaml', HOLDING_SPEC);
  w.state('.tau/custom-command', 'custom-command', T0 - 5000, { failure_streak: failureStreak });
  w.events('.tau/custom-command', ['command_runs_recorded']);
  return { w, args: ['evaluate', 'specs/formats.yaml', '--now', String(T0), '--dry-run'] };
}

/** Line `line` (1-based) of a file, from column `col` on. */
const textAt = (file: string, line: number, col: number) => readFileSync(file, 'utf8').split('\n')[line - 1]!.slice(col - 1);

describe('evaluate', () => {
  it('--format sarif on a hold: exit 1, a result for the failing gate and the fired trigger at their rule in the spec; passing ones absent', () => {
    const { w, args } = project(1);
    const r = rollgate([...args, '--format', 'sarif'], w.root);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    const run = sarif(r);
    expect(run.driver.version).toBe(version);
    expect(run.properties).toMatchObject({ rollout: 'formats', decision: 'hold', phase: 'canary-1' });
    expect(run.results.map((x) => [x.ruleId, x.level, at(x)])).toEqual([
      ['rollgate/gate-failed', 'warning', 'specs/formats.yaml:17:15'],
      ['rollgate/trigger-fired', 'warning', 'specs/formats.yaml:28:11'],
    ]);
    expect(run.results.map((x) => x.message.text)).toEqual([
      'gate no-failure-streak [custom-command] failed: surface.health.failure_streak = 1, expected == 0',
      'trigger streak-holds [custom-command] fired (hold): surface.health.failure_streak = 1, expected >= 1',
    ]);
    // The line and column are those of the gate's rule and the trigger's `when` in the spec.
    expect(textAt(w.path('specs/formats.yaml'), 17, 15)).toBe('{ "==": [ { var: surface.health.failure_streak }, 0 ] }');
    expect(textAt(w.path('specs/formats.yaml'), 28, 11)).toBe('{ ">=": [ { var: surface.health.failure_streak }, 1 ] }');
    // The positions are the record's own.
    const record = JSON.parse(rollgate([...args, '--format', 'json'], w.root).stdout) as { gates: { name: string; source: unknown }[]; triggers: { name: string; source: unknown }[] };
    expect(record.gates.find((g) => g.name === 'no-failure-streak')?.source).toEqual({ file: 'specs/formats.yaml', line: 17, col: 15 });
    expect(record.triggers.find((t) => t.name === 'streak-holds')?.source).toEqual({ file: 'specs/formats.yaml', line: 28, col: 11 });
  });

  it('--format tap on a hold: exit 1; a point per gate and trigger, not ok for the failing gate and the fired trigger', async () => {
    const { w, args } = project(1);
    const r = rollgate([...args, '--format', 'tap'], w.root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const parsed = await tap(r.stdout);
    expect(parsed.results).toMatchObject({ ok: false, count: 4, pass: 2, fail: 2, todo: 0, skip: 0, bailout: false });
    expect(parsed.asserts.map((a) => [a.ok, a.name])).toEqual([
      [false, 'gate no-failure-streak [custom-command]'],
      [true, 'gate queue-depth [custom-command]'],
      [false, 'trigger streak-holds [custom-command]'],
      [true, 'trigger deep-queue [custom-command]'],
    ]);
    expect(parsed.asserts[0]!.diag).toMatchObject({ message: 'surface.health.failure_streak = 1, expected == 0', severity: 'warning', at: 'specs/formats.yaml:17:15', result: 'fail' });
    expect(parsed.asserts[2]!.diag).toMatchObject({ at: 'specs/formats.yaml:28:11', result: 'fired (hold)' });
  });

  it('a healthy check (exit 0): tap all ok, sarif without results; an absolute spec path is a file:// URI', async () => {
    const { w, args } = project(0);
    const t = rollgate([...args, '--format', 'tap'], w.root);
    expect(t.code, t.stderr).toBe(0);
    expect((await tap(t.stdout)).results).toMatchObject({ ok: true, count: 4, pass: 4, fail: 0 });
    const s = rollgate([...args, '--format', 'sarif'], w.root);
    expect(s.code).toBe(0);
    expect(sarif(s).results).toEqual([]);
    const held = project(1);
    const absolute = rollgate(['evaluate', held.w.path('specs/formats.yaml'), '--root', held.w.root, '--now', String(T0), '--dry-run', '--format', 'sarif']);
    expect(absolute.code).toBe(1);
    expect(sarif(absolute).results.map(at)[0]).toBe(`file://${held.w.path('specs/formats.yaml')}:17:15`);
  });
});

describe('test', () => {
  /** specs/custom-command.yaml and a test file whose second case expects a promotion that the queue depth holds. */
  function testProject(): string {
    const dir = tempDir('formats');
    mkdirSync(join(dir, 'specs'));
    copyFileSync(join(ROOT, 'specs/custom-command.yaml'), join(dir, 'specs/custom-command.yaml'));
    writeFileSync(
      join(dir, 'specs/custom-command.test.yaml'),
      `defaults:
  every: 5m
  surfaces:
    custom-command: { cycle: [ command_runs_recorded ] }
cases:
  - name: healthy promotes
    timeline: { until: 35m }
    expect:
      - { at: 30m, decision: promote }
  - name: queue depth 2 holds
    timeline: { until: 35m, surfaces: { custom-command: { health: { queue_depth: 2 } } } }
    expect:
      - { at: 30m, decision: promote }
`,
    );
    return dir;
  }

  it('--format sarif with a failing case: exit 1, the failure at the expectation in the test file, coverage gaps at the spec', () => {
    const dir = testProject();
    const json = JSON.parse(rollgate(['test', '--format', 'json'], dir).stdout) as { files: { cases: { name: string; failures: { line: number; col: number; message: string }[] }[] }[]; coverage: { items: { positive: string[]; negative: string[] }[] }[] };
    const failure = json.files[0]!.cases.find((c) => c.name === 'queue depth 2 holds')!.failures[0]!;
    const gaps = json.coverage[0]!.items.filter((i) => i.positive.length === 0 || i.negative.length === 0).length;
    const r = rollgate(['test', '--format', 'sarif'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const run = sarif(r);
    const failed = run.results.filter((x) => x.ruleId === 'rollgate/case-failed');
    expect(failed.map(at)).toEqual([`specs/custom-command.test.yaml:${failure.line}:${failure.col}`]);
    expect(failed[0]!.message.text.split('\n')[0]).toBe(`case "queue depth 2 holds": ${failure.message}`);
    const gapResults = run.results.filter((x) => x.ruleId === 'rollgate/coverage-gap');
    expect(gapResults).toHaveLength(gaps);
    expect(gapResults.every((x) => x.level === 'warning' && /^specs\/custom-command\.yaml:\d+:\d+$/.test(at(x)))).toBe(true);
    // The case's line in the test file holds the failing expectation.
    const line = readFileSync(join(dir, 'specs/custom-command.test.yaml'), 'utf8').split('\n')[failure.line - 1]!;
    expect(line.slice(failure.col - 1)).toBe('{ at: 30m, decision: promote }');
  });

  it('--format tap: exit 1; a point per case and per coverage item, gaps TODO (not failing) unless --require-coverage', async () => {
    const dir = testProject();
    const r = rollgate(['test', '--format', 'tap'], dir);
    expect(r.code).toBe(1);
    const parsed = await tap(r.stdout);
    expect(parsed.asserts.slice(0, 2).map((a) => [a.ok, a.name])).toEqual([
      [true, 'specs/custom-command.test.yaml: healthy promotes'],
      [false, 'specs/custom-command.test.yaml: queue depth 2 holds'],
    ]);
    const coverage = parsed.asserts.slice(2);
    expect(coverage.length).toBe(13);
    expect(coverage.every((a) => a.name.startsWith('coverage of custom-command: '))).toBe(true);
    expect(parsed.results.failures.map((f) => (f as Result).name)).toEqual(['specs/custom-command.test.yaml: queue depth 2 holds']);
    expect(parsed.results.todo).toBe(coverage.filter((a) => !a.ok).length);
    const strict = rollgate(['test', '--format', 'tap', '--require-coverage'], dir);
    expect(strict.code).toBe(1);
    const required = await tap(strict.stdout);
    expect(required.results.todo).toBe(0);
    expect(required.results.failures.length).toBe(1 + coverage.filter((a) => !a.ok).length);
  });
});
