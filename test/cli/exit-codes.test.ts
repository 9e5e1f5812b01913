/**
 * Exit codes that fit their callers (issue 19): every command's table is in its --help and in
 * README; a manual action that was applied exits 0; `--no-fail` turns the verdict into 0 and
 * leaves errors failing; `control promote --full` goes to the last phase.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_TABLE, type CommandName } from '../../src/cli/exit-table.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const CC = '.tau/custom-command';
const iso = (ms: number) => new Date(ms).toISOString();

describe('the exit-code tables', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = Object.keys(EXIT_TABLE) as CommandName[];

  it.each(commands)('%s: --help ends with its table, and README lists the same codes', (command) => {
    const help = rollgate([...command.split(' '), '--help']);
    expect(help.code).toBe(0);
    const block = help.stdout.slice(help.stdout.indexOf('Exit codes:'));
    for (const [code, meaning] of EXIT_TABLE[command]) {
      expect(block).toContain(`${code}  ${meaning}`);
      expect(readme).toContain(`| \`${command}\` | ${code} | ${meaning.replace(/\|/g, '\\|')} |`);
    }
  });
});

function started(): World {
  const w = new World();
  w.state(CC, 'custom-command', T0 - MIN).events(CC, ['command_runs_recorded']);
  expect(w.evaluate(SPEC, T0).code).toBe(0);
  return w;
}

describe('exit codes that fit scripts and cron', () => {
  it('control: an applied pause, abort and promote exit 0 and print the decision; a refused action is 64 and changes nothing', () => {
    const w = started();
    const pause = rollgate(['control', SPEC, 'pause', '--reason', 'freeze', '--root', w.root, '--now', iso(T0 + MIN), '--format', 'json']);
    expect([pause.code, JSON.parse(pause.stdout).decision]).toEqual([0, 'hold']);
    const again = rollgate(['control', SPEC, 'pause', '--reason', 'freeze', '--root', w.root, '--now', iso(T0 + 2 * MIN)]);
    expect(again.code).toBe(64);
    const abort = rollgate(['control', SPEC, 'abort', '--reason', 'budget', '--root', w.root, '--now', iso(T0 + 3 * MIN), '--format', 'json']);
    expect([abort.code, JSON.parse(abort.stdout).decision]).toEqual([0, 'rollback']);
  });

  it('evaluate --no-fail: a hold and a rollback exit 0 with the decision printed; a missing spec still fails (66)', () => {
    const w = started();
    w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1 });
    const hold = rollgate(['evaluate', SPEC, '--root', w.root, '--now', iso(T0 + 5 * MIN), '--no-fail', '--format', 'json']);
    expect([hold.code, JSON.parse(hold.stdout).decision]).toEqual([0, 'hold']);
    w.state(CC, 'custom-command', T0 + 9 * MIN, { failure_streak: 3 });
    const rollback = rollgate(['evaluate', SPEC, '--root', w.root, '--now', iso(T0 + 10 * MIN), '--no-fail', '--format', 'json']);
    expect([rollback.code, JSON.parse(rollback.stdout).decision]).toEqual([0, 'rollback']);
    expect(rollgate(['evaluate', join(w.root, 'nope.yaml'), '--no-fail']).code).toBe(66);
    // Without it, the same rollout's verdict is the exit code.
    expect(rollgate(['evaluate', SPEC, '--root', w.root, '--now', iso(T0 + 11 * MIN)]).code).toBe(2);
  });

  it('run --once --no-fail: a held rollout exits 0; --no-fail without --once is a usage error', () => {
    const w = started();
    w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1 });
    expect(rollgate(['run', SPEC, '--once', '--root', w.root, '--now', iso(T0 + 5 * MIN)]).code).toBe(1);
    w.state(CC, 'custom-command', T0 + 9 * MIN, { failure_streak: 1 });
    expect(rollgate(['run', SPEC, '--once', '--no-fail', '--root', w.root, '--now', iso(T0 + 10 * MIN)]).code).toBe(0);
    expect(rollgate(['run', SPEC, '--no-fail', '--root', w.root]).code).toBe(64);
  });

  it('validate --no-fail: invalid specs exit 0 with their diagnostics; a missing file still fails (66)', () => {
    const bad = join(ROOT, 'fixtures/specs/invalid/unknown-key.yaml');
    expect(rollgate(['validate', bad]).code).toBe(65);
    const r = rollgate(['validate', bad, '--no-fail']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('unknown key `sevrity`');
    expect(rollgate(['validate', bad, join(ROOT, 'nope.yaml'), '--no-fail']).code).toBe(66);
  });

  it('test --no-fail: failing cases exit 0 with the report; an invalid test file still fails (65)', () => {
    const dir = tempDir('exit-codes');
    writeFileSync(join(dir, 'custom-command.yaml'), readFileSync(SPEC));
    writeFileSync(join(dir, 'custom-command.test.yaml'), 'cases:\n  - name: it never promotes\n    timeline: { until: 35m }\n    expect:\n      - { never_promotes_before: 35m }\n');
    const failing = rollgate(['test', dir]);
    expect(failing.code, failing.stdout + failing.stderr).toBe(1);
    const r = rollgate(['test', dir, '--no-fail']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 failed/);
    // The same by a relative path (an absolute one used to be read as a file: join('.', '/tmp/x') is tmp/x).
    expect(rollgate(['test', relative(process.cwd(), dir)]).code).toBe(1);
    writeFileSync(join(dir, 'custom-command.test.yaml'), 'cases: 3\n');
    expect(rollgate(['test', dir, '--no-fail']).code).toBe(65);
  });
});

describe('control promote --full', () => {
  it('goes straight to the last phase, overriding every gate between, recorded with actor and reason', () => {
    const w = started();
    const r = rollgate(['control', SPEC, 'promote', '--full', '--reason', 'hotfix', '--actor', 'carol', '--root', w.root, '--now', iso(T0 + MIN), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ decision: 'promote', phase: { name: 'general-availability', traffic: 100 }, previous_phase: { name: 'canary-1' }, override: { action: 'promote-full', actor: 'carol', reason: 'hotfix' } });
    expect(record.reasons[0]).toMatch(/^promoted by carol: hotfix, overriding the gates and skipping 29m of canary-1's soak and the phases canary-2, canary-3$/);
    expect(rollgate(['control', SPEC, 'pause', '--full', '--reason', 'x', '--root', w.root]).code).toBe(64);
    const audit = readFileSync(w.path('.rollgate/custom-command/actions-audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.at(-1)).toMatchObject({ action: 'promote-full', actor: 'carol', reason: 'hotfix' });
  });
});

describe('run over a folder or a glob', () => {
  it('takes specs/ like validate, and skips *.test.yaml files a glob also matched, saying so', () => {
    const w = started();
    const dir = tempDir('run-glob');
    writeFileSync(join(dir, 'custom-command.yaml'), readFileSync(SPEC));
    writeFileSync(join(dir, 'custom-command.test.yaml'), readFileSync(join(ROOT, 'specs/custom-command.test.yaml')));
    const byDir = rollgate(['run', dir, '--once', '--root', w.root, '--now', iso(T0 + 5 * MIN)]);
    expect(byDir.code, byDir.stderr).toBe(0);
    const byGlob = rollgate(['run', join(dir, 'custom-command.yaml'), join(dir, 'custom-command.test.yaml'), '--once', '--root', w.root, '--now', iso(T0 + 10 * MIN)]);
    expect(byGlob.code, byGlob.stderr).toBe(0);
    expect(byGlob.stderr).toContain('custom-command.test.yaml: a test file (rollgate test), not a spec; not run');
  });
});
