/**
 * `rollgate status` with several specs (a table, an array in JSON), a rolled-back rollout's
 * status, and `--watch` on a pipe: a block, then another only after a change, until SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate, type Run } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const CC_SPEC = join(ROOT, 'specs/custom-command.yaml');
const DASH_SPEC = join(ROOT, 'specs/dashboard.yaml');
const CC = '.tau/custom-command';

const healthyCycle = (w: World, at: number) => w.state(CC, 'custom-command', at - MIN).events(CC, ['command_runs_recorded']);
const lines = (out: string) => out.trimEnd().split('\n');
/** A table row's cells (columns are separated by two spaces or more). */
const cells = (line: string) => line.trim().split(/ {2,}/);

function rolledBack(): World {
  const w = new World();
  healthyCycle(w, T0);
  w.evaluate(CC_SPEC, T0);
  w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1, last_cycle_failed: 1 });
  w.evaluate(CC_SPEC, T0 + 5 * MIN);
  expect(w.evaluate(CC_SPEC, T0 + 10 * MIN).record.decision).toBe('rollback');
  return w;
}

describe('rollgate status <spec...>', () => {
  it('several specs: a table (NAME STATUS PHASE TRAFFIC CHECKS LAST DECISION AGE NEXT), and an array in JSON', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate(CC_SPEC, T0);
    const at = ['--root', w.root, '--now', String(T0 + 5 * MIN)];
    const r = rollgate(['status', CC_SPEC, DASH_SPEC, ...at]);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(cells(out[0]!)).toEqual(['NAME', 'STATUS', 'PHASE', 'TRAFFIC', 'CHECKS', 'LAST DECISION', 'AGE', 'NEXT']);
    expect(cells(out[1]!)).toEqual(['custom-command', 'progressing', 'canary-1', '5%', '1', 'wait', '5m', 'wait, 25m of soak left']);
    expect(cells(out[2]!)).toEqual(['dashboard', 'not started', '-', '-', '0', '-', '-', 'first check enters canary-1']);
    // Columns line up: each header starts where its cells start.
    for (const name of ['STATUS', 'PHASE', 'TRAFFIC', 'NEXT']) {
      const col = out[0]!.indexOf(name);
      expect(out[1]![col - 1], name).toBe(' ');
      expect(out[1]![col], name).not.toBe(' ');
    }

    const json = rollgate(['status', CC_SPEC, DASH_SPEC, ...at, '--format', 'json']);
    expect(json.code).toBe(0);
    const reports = JSON.parse(json.stdout) as { rollout: string; status: string; checks: number }[];
    expect(reports.map((x) => [x.rollout, x.status, x.checks])).toEqual([['custom-command', 'progressing', 1], ['dashboard', 'not started', 0]]);

    // One spec: the status as before, not a table.
    const one = rollgate(['status', CC_SPEC, ...at]);
    expect(lines(one.stdout)[0]).toBe('custom-command: progressing, phase canary-1 (5%) since 2026-02-16T09:00:00.000Z, 1 check');
    expect(JSON.parse(rollgate(['status', CC_SPEC, ...at, '--format', 'json']).stdout)).toMatchObject({ rollout: 'custom-command', checks: 1, terminal: null });
    // The same rollout twice is a usage error.
    const twice = rollgate(['status', CC_SPEC, CC_SPEC, ...at]);
    expect([twice.code, twice.stderr]).toEqual([64, expect.stringMatching(/are both rollout `custom-command`; give each rollout once/)]);
  });

  it('a rolled-back rollout says so, with why; no soak line and no preview of a phase that no longer runs', () => {
    const w = rolledBack();
    const at = ['--root', w.root, '--now', String(T0 + 20 * MIN)];
    const r = rollgate(['status', CC_SPEC, ...at]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('custom-command: rolled_back at check 3 (2026-02-16T09:10:00.000Z) in phase canary-1 (was 5%), 3 checks');
    expect(out[1]).toMatch(/^rolled back because: trigger `health-regression` fired for surface `custom-command` \(2nd consecutive check, threshold 2\)/);
    expect(out).toContain('next: `rollgate control retry` starts it again from the first phase');
    expect(out.at(-1)).toBe('journal: 3 records, hash chain verified');
    expect(r.stdout).not.toMatch(/^soak:|^if checked now:|^last decision:/m);
    const json = JSON.parse(rollgate(['status', CC_SPEC, ...at, '--format', 'json']).stdout);
    expect(json).toMatchObject({ status: 'rolled_back', terminal: { decision: 'rollback', check: 3, at_unix_ms: T0 + 10 * MIN } });

    const table = lines(rollgate(['status', CC_SPEC, DASH_SPEC, ...at]).stdout);
    expect(cells(table[1]!)).toEqual(['custom-command', 'rolled_back', 'canary-1', '0%', '3', 'rollback', '10m', 'control retry starts it again']);
  });

  it('usage errors: --interval without --watch, --now with --watch', () => {
    const w = new World();
    expect(rollgate(['status', CC_SPEC, '--root', w.root, '--interval', '1s']).stderr).toBe('rollgate status: --interval goes with --watch\n');
    expect(rollgate(['status', CC_SPEC, '--root', w.root, '--watch', '--now', String(T0)]).code).toBe(64);
    expect(rollgate(['status', CC_SPEC, '--root', w.root, '--watch', '--interval', '0']).code).toBe(64);
  });
});

/** The CLI in the background on pipes (so stdout is not a terminal), read as it writes. */
function background(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), ...args], { env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<Run>((resolve) => child.on('close', (code) => {
    clearTimeout(killer);
    resolve({ code, stdout, stderr });
  }));
  const until = async (test: (out: string) => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} never came (exit ${child.exitCode}): ${stdout}${stderr}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  };
  return { child, done, until, out: () => stdout };
}

/** The blocks a non-TTY watch printed: each starts with `# <instant>`. */
const blocks = (out: string) => out.split(/^# /m).slice(1);

describe('rollgate status --watch', () => {
  it('on a pipe: a block, then another only after a change (an evaluate in another process), until SIGTERM (exit 0)', async () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate(CC_SPEC, T0);
    const watch = background(['status', CC_SPEC, DASH_SPEC, '--root', w.root, '--watch', '--interval', '100ms']);
    await watch.until((out) => blocks(out).length === 1 && out.endsWith('\n\n'), 'the first block');
    const first = blocks(watch.out())[0]!;
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\S+Z\nNAME +STATUS +PHASE/);
    expect(cells(lines(first)[2]!).slice(0, 6)).toEqual(['custom-command', 'progressing', 'canary-1', '5%', '1', 'wait']);
    await new Promise((ok) => setTimeout(ok, 600)); // several polls, nothing changes
    expect(blocks(watch.out())).toHaveLength(1);

    healthyCycle(w, T0 + 5 * MIN);
    w.evaluate(CC_SPEC, T0 + 5 * MIN);
    // The block that shows the second check (a loaded machine may print it a poll later).
    const second = (out: string) => blocks(out).find((b) => cells(lines(b)[2] ?? '')[4] === '2');
    await watch.until((out) => second(out) !== undefined && out.endsWith('\n\n'), 'a block after the change');
    expect(cells(lines(second(watch.out())!)[2]!).slice(0, 6)).toEqual(['custom-command', 'progressing', 'canary-1', '5%', '2', 'wait']);

    watch.child.kill('SIGTERM');
    const r = await watch.done;
    expect([r.code, r.stderr]).toEqual([0, '']);
    // Nothing but the change made a block: the one before it and the one showing it.
    expect(blocks(r.stdout).filter((b) => cells(lines(b)[2] ?? '')[4] === '1')).toHaveLength(1);
  });

  it('one spec, --format json: one status document per line, per change', async () => {
    const w = rolledBack();
    const watch = background(['status', CC_SPEC, '--root', w.root, '--watch', '--interval', '100ms', '--format', 'json']);
    await watch.until((out) => out.includes('\n'), 'a line');
    await new Promise((ok) => setTimeout(ok, 300));
    watch.child.kill('SIGINT');
    const r = await watch.done;
    expect(r.code).toBe(0);
    const docs = lines(r.stdout).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ rollout: 'custom-command', status: 'rolled_back', checks: 3 });
  });
});
