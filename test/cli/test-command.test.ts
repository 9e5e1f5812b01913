/** `rollgate test`: spec test files run as a user and CI run them, through the built CLI. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A scratch project: specs/custom-command.yaml and one test file with the given body. */
function project(testBody: string, testName = 'custom-command.test.yaml'): string {
  const dir = tempDir('test-cmd');
  mkdirSync(join(dir, 'specs'));
  copyFileSync(join(ROOT, 'specs/custom-command.yaml'), join(dir, 'specs/custom-command.yaml'));
  writeFileSync(join(dir, 'specs', testName), testBody);
  return dir;
}

const HEADER = `defaults:
  every: 5m
  surfaces:
    custom-command: { cycle: [ command_runs_recorded ] }
cases:
`;

const QUEUE_CASE = `  - name: queue depth 2 holds
    timeline: { until: 35m, surfaces: { custom-command: { health: { queue_depth: 2 } } } }
    expect:
      - { at: 30m, decision: promote }
`;

describe('rollgate test', () => {
  it('runs the repository\'s spec tests: every case passes, every gate and trigger covered both ways', () => {
    const r = rollgate(['test', '--require-coverage']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('coverage of custom-command (specs/custom-command.yaml): 13/13 gates and triggers both ways');
    expect(r.stdout).toContain('coverage of dashboard (specs/dashboard.yaml): 13/13');
    expect(r.stdout).toContain('coverage of release (specs/release.yaml): 21/21');
    expect(r.stdout).toContain('coverage of api-metrics (specs/api-metrics.yaml): 6/6');
    expect(r.stdout).toMatch(/\n\d+ cases: (\d+) passed, 0 failed; coverage 53\/53 gates and triggers both ways\n$/);
  });

  it('a failing case: exit 1, the expectation\'s place, and expected against actual decisions', () => {
    const dir = project(HEADER + QUEUE_CASE);
    const r = rollgate(['test'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  ✗ queue depth 2 holds');
    expect(r.stdout).toContain('specs/custom-command.test.yaml:9:9: { at: 30m, decision: promote }');
    expect(r.stdout).toContain('at 2026-02-16T09:30:00Z (30m): expected decision promote, got hold in canary-1');
    expect(r.stdout).toContain('- 2026-02-16T09:30:00Z  decision promote');
    expect(r.stdout).toMatch(/\+ 2026-02-16T09:30:00Z {2}hold +canary-1 \(5%\) +gate `queue-depth` failed for surface `custom-command`: surface.health.queue_depth = 2, expected <= 1/);
    expect(r.stdout).toMatch(/1 case: 0 passed, 1 failed/);
  });

  it('junit, json and github formats carry the same failure', () => {
    const dir = project(HEADER + QUEUE_CASE);
    const junit = rollgate(['test', '--format', 'junit'], dir);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<testsuites name="rollgate test" tests="1" failures="1" errors="0">');
    expect(junit.stdout).toMatch(/<testcase classname="rollgate.custom-command" name="queue depth 2 holds" file="specs\/custom-command.test.yaml" line="6" time="[\d.]+">/);
    expect(junit.stdout).toContain('<failure message="at 2026-02-16T09:30:00Z (30m): expected decision promote, got hold in canary-1" type="expectation">');
    const json = JSON.parse(rollgate(['test', '--format', 'json'], dir).stdout);
    expect(json.summary).toEqual({ files: 1, cases: 1, passed: 0, failed: 1, invalid: 0, missing: 0 });
    expect(json.files[0].cases[0].failures[0]).toMatchObject({ line: 9, col: 9, expectation: '{ at: 30m, decision: promote }' });
    expect(json.coverage[0].items.find((i: { name: string }) => i.name === 'queue-depth')).toMatchObject({ positive: [], negative: ['queue depth 2 holds'] });
    const github = rollgate(['test', '--format', 'github'], dir);
    expect(github.stdout).toContain('::error file=specs/custom-command.test.yaml,line=9,col=9,title=rollgate test%3A queue depth 2 holds::at 2026-02-16T09:30:00Z (30m): expected decision promote');
    // Coverage gaps are warnings on the spec's own lines.
    expect(github.stdout).toMatch(/::warning file=specs\/custom-command.yaml,line=\d+,col=\d+,title=rollgate test%3A coverage::gate canary-1\/queue-depth is not tested both ways: no case makes it pass/);
  });

  it('--require-coverage fails a passing run that leaves a gate or trigger untested one way', () => {
    const dir = project(HEADER + QUEUE_CASE.replace('decision: promote', 'decision: hold'));
    expect(rollgate(['test'], dir).code).toBe(0);
    const strict = rollgate(['test', '--require-coverage'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--require-coverage: some gates or triggers are not tested both ways');
    expect(strict.stdout).toMatch(/gate canary-1\/queue-depth +pass ✗ {2}- {3}fail ✓ {2}1/);
  });

  it('a typo in an expectation is an invalid test file (65) at file:line:col, never a pass', () => {
    const dir = project(HEADER + `  - name: typo
    timeline: { until: 35m }
    expect:
      - { at: 30m, decison: promote }
      - { at: 10m, gate: queue-dept, result: fail }
      - { at: 31m, decision: wait }
`);
    const r = rollgate(['test'], dir);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/specs\/custom-command.test.yaml:9:20: error: unknown key `decison`.*.*did you mean `decision`/);
    expect(r.stdout).toContain('✗ specs/custom-command.test.yaml: invalid');
  });

  it('names unknown to the spec and instants without a check are reported with suggestions', () => {
    const dir = project(HEADER + `  - name: names
    timeline:
      until: 35m
      events: [ { at: 10m, surface: custom-comand, degrade: true } ]
    expect:
      - { at: 10m, gate: queue-dept, result: fail }
      - { at: 31m, decision: wait }
      - { at: 30m, rolled_back_by: health-regresion }
`);
    const r = rollgate(['test'], dir);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('specs/custom-command.test.yaml:9:37: error: the spec has no surface `custom-comand`; did you mean `custom-command`?');
    expect(r.stderr).toContain("specs/custom-command.test.yaml:11:26: error: specs/custom-command.yaml has no gate `queue-dept`; did you mean `queue-depth`?");
    expect(r.stderr).toContain("specs/custom-command.test.yaml:12:15: error: no check runs at 2026-02-16T09:31:00.000Z (31m after the start) in this case; add `31m` to the timeline's `checks_at`, or use `by`");
    expect(r.stderr).toContain('has no trigger `health-regresion`; did you mean `health-regression`?');
  });

  it('expectations that cannot combine are explained', () => {
    const dir = project(HEADER + `  - name: shapes
    timeline: { until: 35m }
    expect:
      - { decision: promote }
      - { at: 5m, by: 10m, phase: canary-1 }
      - { at: 5m, gate: healthy }
      - { at: 5m }
`);
    const r = rollgate(['test'], dir);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('9:11: error: `decision` is about one check: add `at:` with its instant');
    expect(r.stderr).toContain("give `at` (the check at that instant) or `by` (some check up to that instant), not both");
    expect(r.stderr).toContain('`gate` and `result` go together');
    expect(r.stderr).toContain('this expectation says when but not what');
  });

  it('a rollout spec given as a test file is named for what it is (65)', () => {
    const r = rollgate(['test', 'specs/custom-command.yaml']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('specs/custom-command.yaml:1:1: error: this is a rollout spec, not a test file; its cases go in custom-command.test.yaml beside it (see `rollgate test --help`)\n');
  });

  it('a missing test file or spec is 66; an invalid spec is 65; an empty directory never passes', () => {
    expect(rollgate(['test', 'specs/nope.test.yaml']).code).toBe(66);
    const noSpec = project(HEADER + QUEUE_CASE, 'other.test.yaml');
    const r = rollgate(['test'], noSpec);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/the spec under test, .*specs\/other.yaml, does not exist/);
    const badSpec = project(HEADER + QUEUE_CASE);
    writeFileSync(join(badSpec, 'specs/custom-command.yaml'), 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: { name: x }\n');
    expect(rollgate(['test'], badSpec).code).toBe(65);
    const empty = tempDir('test-empty');
    const none = rollgate(['test'], empty);
    expect(none.code).toBe(66);
    expect(none.stderr).toContain('no test files (*.test.yaml) in specs or test/specs; a run that tests nothing never passes');
  });

  it('a case can replay a timeline file; its spec line is ignored for the file under test', () => {
    const dir = project(`spec: custom-command.yaml
cases:
  - name: the degraded fixture rolls back
    timeline: ${join(ROOT, 'fixtures/timelines/custom-command-degraded.yaml')}
    expect:
      - { at: 45m, rolled_back_by: health-regression }
      - { end: rolled_back }
`, 'replays.test.yaml');
    const r = rollgate(['test', 'specs/replays.test.yaml'], dir);
    expect(r.stdout).toContain('✓ the degraded fixture rolls back');
    expect(r.code).toBe(0);
  });
});
