/**
 * `rollgate wait` as a real process, against a rollout that real `rollgate evaluate --now` runs
 * in other processes drive while it waits: it reaches a phase (0), sees a rollback (2), times
 * out (3), stops on SIGTERM (143), and with --check runs the scheduled checks itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate, type Run } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const CC = '.tau/custom-command';

const healthyCycle = (w: World, at: number) => w.state(CC, 'custom-command', at - MIN).events(CC, ['command_runs_recorded']);

/** The CLI in the background, its stdout read as it comes, so the test can act between its lines. */
function background(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), ...args], { env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  // A wait that never ends fails the test rather than freezing the suite.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<Run>((resolve) => child.on('close', (code) => {
    clearTimeout(killer);
    for (const w of waiters.splice(0)) w();
    resolve({ code, stdout, stderr });
  }));
  /** Resolves once stdout has a line matching `re`. */
  const line = async (re: RegExp): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!stdout.split('\n').some((l) => re.test(l))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no line ${re} (exit ${child.exitCode}): ${stdout}${stderr}`);
      await new Promise<void>((ok) => {
        waiters.push(ok);
        setTimeout(ok, 200);
      });
    }
  };
  return { child, line, done };
}

const lines = (out: string) => out.trimEnd().split('\n');
const wait = (w: World, ...args: string[]) => background(['wait', SPEC, '--root', w.root, '--interval', '100ms', ...args]);

describe('rollgate wait', () => {
  it('reaches a phase: one line per change (not per poll, not per check), then exit 0', async () => {
    const w = new World();
    healthyCycle(w, T0);
    const waiting = wait(w, '--for', 'phase=canary-2', '--timeout', '20s');
    await waiting.line(/custom-command: not started; waiting for its first check$/);
    expect(w.evaluate(SPEC, T0).record.decision).toBe('wait');
    await waiting.line(/ check 1: WAIT canary-1/);
    healthyCycle(w, T0 + 10 * MIN);
    expect(w.evaluate(SPEC, T0 + 10 * MIN).record.decision).toBe('wait'); // the same phase, status and decision: no line
    healthyCycle(w, T0 + 30 * MIN);
    expect(w.evaluate(SPEC, T0 + 30 * MIN).record.decision).toBe('promote');
    const r = await waiting.done;
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^\S+Z custom-command: not started; waiting for its first check$/);
    expect(out[1]).toBe('2026-02-16T09:00:00.000Z custom-command check 1: WAIT canary-1 (5%), progressing: all gates pass; soaking canary-1: 0 of 30m held, 30m left');
    expect(out[2]).toMatch(/^2026-02-16T09:30:00.000Z custom-command check 3: PROMOTE canary-2 \(25%\), progressing: /);
    expect(out[3]).toMatch(/^custom-command: reached phase canary-2 at check 3, progressing \(waited [^)]+\)$/);
    expect(r.stderr).toBe('');
  });

  it('a later phase, or completion, counts as reached at once; --format json is one object per line', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate(SPEC, T0);
    healthyCycle(w, T0 + 30 * MIN);
    w.evaluate(SPEC, T0 + 30 * MIN);
    const r = rollgate(['wait', SPEC, '--root', w.root, '--for', 'phase=canary-1', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const [change, end] = lines(r.stdout).map((l) => JSON.parse(l));
    expect(change).toMatchObject({ event: 'change', rollout: 'custom-command', check: 2, decision: 'promote', status: 'progressing', phase: { name: 'canary-2' } });
    expect(end).toMatchObject({ event: 'reached', for: 'phase=canary-1', status: 'progressing', phase: { name: 'canary-2', index: 1 }, checks: 2, exit_code: 0 });
  });

  it('is rolled back while it waits: each change, then the rollback with its reason, exit 2', async () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate(SPEC, T0);
    const waiting = wait(w, '--for', 'complete', '--timeout', '20s');
    await waiting.line(/ check 1: WAIT canary-1/);
    w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1, last_cycle_failed: 1 });
    expect(w.evaluate(SPEC, T0 + 5 * MIN).record.decision).toBe('hold');
    expect(w.evaluate(SPEC, T0 + 10 * MIN).record.decision).toBe('rollback');
    const r = await waiting.done;
    expect(r.code, r.stderr).toBe(2);
    const out = lines(r.stdout);
    expect(out.map((l) => / check \d+: \w+ /.exec(l)?.[0] ?? l.slice(0, 40))).toEqual([' check 1: WAIT ', ' check 2: HOLD ', ' check 3: ROLLBACK ', 'custom-command: rolled back at check 3 (']);
    expect(out[2]).toMatch(/ROLLBACK canary-1 \(5%\), rolled_back: trigger `health-regression` fired/);
    expect(out[3]).toMatch(/^custom-command: rolled back at check 3 \(2026-02-16T09:10:00.000Z\) in phase canary-1 \(waited [^)]+\): trigger `health-regression` fired for surface `custom-command`/);
  });

  it('times out: exit 3 with a sentence saying where the rollout is', async () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate(SPEC, T0);
    const r = await wait(w, '--for', 'phase=canary-2', '--timeout', '500ms').done;
    expect(r.code, r.stderr).toBe(3);
    expect(lines(r.stdout)).toEqual([
      '2026-02-16T09:00:00.000Z custom-command check 1: WAIT canary-1 (5%), progressing: all gates pass; soaking canary-1: 0 of 30m held, 30m left',
      'custom-command: timed out after 500ms waiting for phase canary-2; it is in phase canary-1, progressing, after 1 check (last decision wait)',
    ]);
    const json = rollgate(['wait', SPEC, '--root', w.root, '--for', 'complete', '--timeout', '0', '--format', 'json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(lines(json.stdout)[1]!)).toMatchObject({ event: 'timed_out', for: 'complete', status: 'progressing', checks: 1, exit_code: 3 });
  });

  it('only reads the store: waiting on a rollout that has not started writes nothing; SIGTERM ends it quietly (143)', async () => {
    const w = new World();
    healthyCycle(w, T0);
    const before = w.files();
    const waiting = wait(w, '--for', 'complete');
    await waiting.line(/not started; waiting for its first check$/);
    await new Promise((ok) => setTimeout(ok, 400)); // a few polls
    waiting.child.kill('SIGTERM');
    const r = await waiting.done;
    expect([r.code, lines(r.stdout).length, r.stderr]).toEqual([143, 1, '']);
    expect(w.files()).toEqual(before);
  });

  it('--check runs the checks of the schedule itself (taking the lock per check), and still times out', async () => {
    const w = new World();
    healthyCycle(w, Date.now());
    const r = await wait(w, '--for', 'phase=canary-1', '--check', '--timeout', '15s').done;
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/not started; waiting for its first check$/);
    expect(out[1]).toMatch(/ custom-command check 1: WAIT canary-1 \(5%\), progressing: all gates pass/);
    expect(out[2]).toMatch(/^custom-command: reached phase canary-1 at check 1/);
    expect(r.stderr).toMatch(/custom-command: checking on its schedule \(\*\/5 \* \* \* \* UTC\) while waiting for phase=canary-1\n$/);
    expect(w.files()['.rollgate/custom-command/decisions.jsonl']!.trim().split('\n')).toHaveLength(1);
    // Checked a moment ago: no tick is due within the timeout (or one check, still in canary-1).
    const later = await wait(w, '--for', 'phase=canary-2', '--check', '--timeout', '1s').done;
    expect(later.code, later.stderr).toBe(3);
    expect(lines(later.stdout).at(-1)).toMatch(/^custom-command: timed out after 1s waiting for phase canary-2; it is in phase canary-1, progressing/);
  });

  it('usage errors are 64: an unknown phase (with a did-you-mean), another --for, a bad duration', () => {
    const w = new World();
    const run = (...args: string[]) => rollgate(['wait', SPEC, '--root', w.root, ...args]);
    const unknown = run('--for', 'phase=canary2');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe('rollgate wait: --for phase=canary2: custom-command has no phase `canary2`; did you mean `canary-2`? (its phases: canary-1, canary-2, canary-3, general-availability)\n');
    expect(run('--for', 'phse=canary-2').stderr).toMatch(/give phase=NAME \(canary-1, .*\) or complete; did you mean `phase=canary-2`\?/);
    expect(run('--for', 'completed').stderr).toMatch(/did you mean `complete`\?/);
    expect(run('--for', 'complete', '--interval', '0').code).toBe(64);
    expect(run('--for', 'complete', '--timeout', 'soon').stderr).toMatch(/--timeout soon: give a duration, e.g. 500ms/);
    expect(rollgate(['wait', SPEC, '--root', w.root]).code).toBe(64); // --for is required
    expect(w.files()['.rollgate/custom-command/rollout.json']).toBeUndefined();
  });
});
