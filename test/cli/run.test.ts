/** `rollgate run` as a real process: --once for system cron, and a service that stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, World } from '../helpers/world.js';

describe('rollgate run', () => {
  it('--once checks every due spec and exits with the worst code', () => {
    const w = new World();
    const now = Date.now();
    w.state('.tau/custom-command', 'custom-command', now - MIN).events('.tau/custom-command', ['command_runs_recorded']);
    w.state('.tau/dashboard', 'dashboard', now - MIN, { queue_depth: 4 }).events('.tau/dashboard', ['widget_views_updated']);
    const r = rollgate(['run', '--once', join(ROOT, 'specs/custom-command.yaml'), join(ROOT, 'specs/dashboard.yaml'), '--root', w.root]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ custom-command check 1: WAIT canary-1 \(5%\): all gates pass/);
    expect(lines[1]).toMatch(/ dashboard check 1: HOLD canary-1 \(5%\): gate `queue-depth` failed for surface `dashboard`/);
    // Checked a moment ago: nothing is due now.
    const again = rollgate(['run', '--once', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--format', 'json']);
    expect([again.code, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toMatch(/custom-command: not due \(next check /);
  });

  it('as a service, checks at start and stops cleanly on SIGTERM with exit 0', async () => {
    const w = new World();
    w.state('.tau/custom-command', 'custom-command', Date.now() - MIN).events('.tau/custom-command', ['command_runs_recorded']);
    const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'run', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--format', 'json']);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no check within 10 s: ${err}`)), 10_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(timer);
          ok();
        }
      });
    });
    expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({ rollout: 'custom-command', check: 1, decision: 'wait' });
    const code = await new Promise<number | null>((done) => {
      child.on('close', done);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(err).toMatch(/SIGTERM: finishing the checks in flight, then stopping\n.*stopped\n$/);
  });
});
