/** `rollgate run` as a real process: --once for system cron, and a service that stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
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

  it('--once over a folder of more rollouts than it checks at a time: lines in spec order, one locked rollout refused while the others are checked, the worst code', () => {
    const w = new World();
    const now = Date.now();
    // Twenty small rollouts (more than the 8 checked at a time); every fifth one holds.
    const names = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    mkdirSync(w.path('specs'), { recursive: true });
    for (const [i, name] of names.entries()) {
      w.state(`.tau/${name}`, 'dashboard', now - MIN, { queue_depth: i % 5 === 4 ? 9 : 0 }).events(`.tau/${name}`, ['widget_views_updated']);
      writeFileSync(w.path('specs', `${name}.yaml`), `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: ${name} }
surfaces:
  app: { stateDir: .tau/${name}, kind: dashboard, staleAfter: 15m }
schedule: { cron: "*/5 * * * *", timezone: UTC }
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - { name: queue-depth, each: surfaces, rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] } }
  - name: general-availability
    traffic: 100
    soak: 0
`);
    }
    // r07 is held by another live check (this test process): refused (75), the others go on.
    mkdirSync(w.path('.rollgate', 'r07'), { recursive: true });
    const lock = JSON.stringify({ pid: process.pid, host: hostname(), token: 'theirs', acquired_unix_ms: now });
    writeFileSync(w.path('.rollgate', 'r07', 'lock'), lock);

    const r = rollgate(['run', '--once', w.path('specs'), '--root', w.root]);
    expect(r.code).toBe(75); // the worst of 0 (wait), 1 (hold) and 75 (locked)
    const lines = r.stdout.trim().split('\n');
    const checked = names.filter((n) => n !== 'r07');
    expect(lines.map((l) => / (r\d\d) check 1: /.exec(l)?.[1])).toEqual(checked);
    for (const [k, name] of checked.entries()) expect(lines[k]).toMatch(Number(name.slice(1)) % 5 === 4 ? /: HOLD canary-1/ : /: WAIT canary-1/);
    expect(r.stderr).toMatch(/ r07: the rollout is locked by another check \(pid \d+ on .* since .*\); try again when it finishes\n$/);
    expect(readFileSync(w.path('.rollgate', 'r07', 'lock'), 'utf8')).toBe(lock); // left to its holder
    expect(existsSync(w.path('.rollgate', 'r07', 'rollout.json'))).toBe(false);
    for (const name of checked) expect(readdirSync(w.path('.rollgate', name)).sort()).toEqual(['decisions.jsonl', 'rollout.json']);

    // --no-fail softens the holds, not the refusal.
    const again = rollgate(['run', '--once', w.path('specs'), '--root', w.root, '--no-fail', '--now', new Date(now + 10 * MIN).toISOString()]);
    expect(again.code).toBe(75);
    expect(again.stdout.trim().split('\n').map((l) => / (r\d\d) check (\d): /.exec(l)!.slice(1).join(' '))).toEqual(checked.map((n) => `${n} 2`));
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
