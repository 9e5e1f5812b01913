/** evaluate at its edges: hooks, the lock under concurrency, store failures, formats, usage. */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/store/journal.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const CC = '.tau/custom-command';
const healthy = (w: World, at: number) => w.state(CC, 'custom-command', at - MIN).events(CC, ['command_runs_recorded']);

/** A one-phase spec (promotes on its first check) with the given hooks. */
function hookSpec(w: World, hooks: string, phases = '  - { name: canary, traffic: 10, gates: [ { name: ok, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } } ] }\n  - { name: ga, traffic: 100, soak: 1h }') {
  w.raw('hooked.yaml', `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: hooked }
surfaces:
  custom-command: { stateDir: ${CC}, staleAfter: 15m }
phases:
${phases}
triggers:
  - { name: regress, each: surfaces, when: { ">": [ { var: surface.health.failure_streak }, 0 ] }, action: rollback }
hooks:
${hooks}`);
  return w.path('hooked.yaml');
}

describe('hooks', () => {
  it('a run hook gets argv without a shell and the ROLLGATE_* environment, with the record in a file', () => {
    const w = new World();
    const spec = hookSpec(w, `  promote: [ { run: [ node, -e, "require('fs').writeFileSync('hook.json', JSON.stringify({argv: process.argv.slice(1), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ROLLGATE_'))), record: require(process.env.ROLLGATE_RECORD).decision}))", "; echo pwned" ] } ]\n`);
    healthy(w, T0);
    const r = w.evaluate(spec, T0);
    expect(r.record.decision).toBe('promote');
    expect(r.record.hooks).toEqual([expect.objectContaining({ event: 'promote', ok: true, message: 'exited 0' })]);
    const seen = JSON.parse(readFileSync(w.path('hook.json'), 'utf8'));
    expect(seen.argv).toEqual(['; echo pwned']);
    expect(seen.env).toMatchObject({ ROLLGATE_ROLLOUT: 'hooked', ROLLGATE_DECISION: 'promote', ROLLGATE_PHASE: 'ga', ROLLGATE_TRAFFIC: '100', ROLLGATE_RECORD: w.path('.rollgate/hooked/hook-record.json') });
    expect(seen.record).toBe('promote');
  });

  it('a hook argument that tries shell injection reaches the program as one literal string', () => {
    const w = new World();
    const marker = w.path('pwned');
    const attack = `$(touch ${marker}); \`touch ${marker}\`; touch ${marker} && echo x | tee ${marker}`;
    const spec = hookSpec(w, `  promote: [ { run: [ node, -e, "require('fs').writeFileSync('argv.json', JSON.stringify(process.argv.slice(1)))", ${JSON.stringify(attack)} ] } ]\n`);
    healthy(w, T0);
    const r = w.evaluate(spec, T0);
    expect(r.record.hooks).toEqual([expect.objectContaining({ event: 'promote', ok: true })]);
    expect(JSON.parse(readFileSync(w.path('argv.json'), 'utf8'))).toEqual([attack]);
    expect(existsSync(marker)).toBe(false);
  });

  it('a failed promote hook keeps the phase (hold) and the next check promotes', () => {
    const w = new World();
    w.raw('flag', 'fail');
    const spec = hookSpec(w, `  promote: [ { run: [ node, -e, "process.exit(require('fs').readFileSync('flag','utf8') === 'fail' ? 3 : 0)" ] } ]\n`);
    healthy(w, T0);
    const held = w.evaluate(spec, T0);
    expect([held.code, held.record.decision, held.record.phase.name]).toEqual([1, 'hold', 'canary']);
    expect(held.record.reasons[0]).toMatch(/^the promote hook `node -e .*` failed \(exited 3\), so the phase is kept$/);
    w.raw('flag', 'ok');
    healthy(w, T0 + 5 * MIN);
    const r = w.evaluate(spec, T0 + 5 * MIN);
    expect([r.record.decision, r.record.phase.name]).toEqual(['promote', 'ga']);
  });

  it('a failed rollback hook is reported and retried at the next checks until it succeeds', async () => {
    const w = new World();
    const posts: unknown[] = [];
    let answer = 503;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        posts.push(JSON.parse(body));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rollback`;
    try {
      const spec = hookSpec(w, `  rollback: [ { webhook: "${url}", timeout: 5s } ]\n`);
      healthy(w, T0);
      const evaluate = (at: number) => new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'evaluate', spec, '--root', w.root, '--now', String(at), '--format', 'json']);
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.on('close', (code) => done({ code, out }));
      });
      w.state(CC, 'custom-command', T0 - MIN, { failure_streak: 1 });
      const first = await evaluate(T0);
      expect(first.code).toBe(2);
      const record = JSON.parse(first.out);
      expect(record.hooks).toEqual([{ event: 'rollback', hook: url, ok: false, message: 'HTTP 503 Service Unavailable' }]);
      expect(record.reasons.at(-1)).toMatch(/the rollback hook .* failed \(HTTP 503 Service Unavailable\); it is retried at every check until it succeeds/);
      expect(posts[0]).toMatchObject({ decision: 'rollback', rollout: 'hooked' });
      const state = () => JSON.parse(readFileSync(w.path('.rollgate/hooked/rollout.json'), 'utf8'));
      expect(state().pending_hooks).toMatchObject([{ event: 'rollback', attempts: 1 }]);
      answer = 200;
      const second = JSON.parse((await evaluate(T0 + 5 * MIN)).out);
      expect(second.hooks).toEqual([{ event: 'rollback', hook: url, ok: true, message: 'HTTP 200' }]);
      expect(state().pending_hooks).toEqual([]);
      expect(posts).toHaveLength(2);
    } finally {
      server.close();
    }
  });

  it('a hook past its timeout is stopped and counts as failed', () => {
    const w = new World();
    const spec = hookSpec(w, `  promote: [ { run: [ node, -e, "setTimeout(() => {}, 60000)" ], timeout: 1s } ]\n`);
    healthy(w, T0);
    const r = w.evaluate(spec, T0);
    expect(r.record.decision).toBe('hold');
    expect(r.record.hooks[0]).toMatchObject({ ok: false, message: 'timed out after 1000 ms and was stopped' });
  });
});

describe('the lock and the store', () => {
  it('twenty evaluate processes at once: a loadable state, a verified journal, one record per check that ran', async () => {
    const w = new World();
    healthy(w, T0);
    const runs = await Promise.all(Array.from({ length: 20 }, () => new Promise<{ code: number | null; err: string }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0), '--format', 'json']);
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (code) => done({ code, err }));
    })));
    const ran = runs.filter((r) => r.code === 0 || r.code === 1);
    const locked = runs.filter((r) => r.code === 75);
    expect(ran.length + locked.length).toBe(20);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const l of locked) expect(l.err).toMatch(/the rollout is locked by another check \(pid \d+/);
    const state = JSON.parse(readFileSync(w.path('.rollgate/custom-command/rollout.json'), 'utf8'));
    const journal = verifyJournal(w.path('.rollgate/custom-command/decisions.jsonl'));
    expect(journal.ok).toBe(true);
    expect(journal.entries.map((e) => e.record.check)).toEqual(Array.from({ length: ran.length }, (_, i) => i + 1));
    expect(state.checks).toBe(ran.length);
    expect(existsSync(w.path('.rollgate/custom-command/lock'))).toBe(false);
  });

  it('a lock left by a dead process is taken over, and the record says so', () => {
    const w = new World();
    healthy(w, T0);
    w.json('.rollgate/custom-command/lock', { pid: 2 ** 22 + 12345, host: hostname(), token: 'dead', acquired_unix_ms: Date.now() });
    const r = w.evaluate('specs/custom-command.yaml', T0);
    expect(r.code).toBe(0);
    expect(r.record.notes).toContain(`took over the lock of pid ${2 ** 22 + 12345}, which is no longer running`);
  });

  it('a live lock: exit 75 and nothing changed', () => {
    const w = new World();
    healthy(w, T0);
    w.json('.rollgate/custom-command/lock', { pid: process.pid, host: hostname(), token: 'live', acquired_unix_ms: Date.now() });
    const r = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0)]);
    expect(r.code).toBe(75);
    expect(existsSync(w.path('.rollgate/custom-command/rollout.json'))).toBe(false);
  });

  it('a read-only store: exit 73, nothing half-written, the state unchanged', () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; a store path under a regular file cannot be created by anyone
      const w = new World();
      healthy(w, T0);
      w.raw('not-a-dir', 'x');
      const r = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--store', w.path('not-a-dir/store'), '--now', String(T0)]);
      expect(r.code).toBe(73);
      expect(r.stderr).toMatch(/cannot write .*not-a-dir\/store.* \(ENOTDIR\)/);
      return;
    }
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const before = readFileSync(w.path('.rollgate/custom-command/rollout.json'), 'utf8');
    chmodSync(w.path('.rollgate/custom-command'), 0o555);
    const r = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0 + 5 * MIN)]);
    chmodSync(w.path('.rollgate/custom-command'), 0o755);
    expect(r.code).toBe(73);
    expect(readFileSync(w.path('.rollgate/custom-command/rollout.json'), 'utf8')).toBe(before);
  });

  // A folder where the store keeps a file: a sentence naming it and an exit code that says
  // what to do, never an internal error (70), and nothing left staged.
  it.each([
    ['decisions.jsonl', 73, /cannot write .*decisions\.jsonl: it is a directory/],
    ['rollout.json.next', 73, /cannot write .*rollout\.json\.next: it is a directory/],
    ['lock', 75, /its lock file \(.*lock\) is unreadable; if no check is running, remove it/],
    ['rollout.json', 65, /rollout\.json is not valid JSON/],
  ])('%s is a directory: exit %i with a sentence', (name, code, message) => {
    const w = new World();
    healthy(w, T0);
    mkdirSync(w.path(`.rollgate/custom-command/${name}`), { recursive: true });
    const r = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0)]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(w.path('.rollgate/custom-command'))).toEqual([name]); // nothing staged, no temp file, no lock left
  });

  it('a corrupt rollout.json is an error (65), never a fresh start', () => {
    const w = new World();
    healthy(w, T0);
    w.raw('.rollgate/custom-command/rollout.json', '{"schema_version":1,"phase":');
    const r = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0)]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/rollout.json is not valid JSON/);
  });
});

describe('output and usage', () => {
  const world = () => {
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    w.state(CC, 'custom-command', T0 + 4 * MIN, { queue_depth: 3 });
    return w;
  };
  const cli = (w: World, ...args: string[]) => rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0 + 5 * MIN), '--dry-run', ...args]);

  it('text: the decision first, then why with values, then what happens next', () => {
    const r = cli(world());
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('HOLD  custom-command · canary-1 (5%) · check 2 · 2026-02-16T09:05:00.000Z · dry run');
    expect(lines[1]).toBe('why');
    expect(lines[2]).toBe('  - gate `queue-depth` failed for surface `custom-command`: surface.health.queue_depth = 3, expected <= 1');
    expect(r.stdout).toMatch(/\nnext holding canary-1; the soak clock restarts from the first check where everything passes\n$/);
  });

  it('--explain shows the full trace of every gate and trigger', () => {
    const r = cli(world(), '--explain');
    expect(r.stdout).toContain('ok   healthy [custom-command]: surface.rollout_gate = pass, expected == pass');
    expect(r.stdout).toContain('         {"<=":[{"var":"surface.health.queue_depth"},1]} → false');
    expect(r.stdout).toContain('           surface.health.queue_depth → 3');
    expect(r.stdout).toMatch(/ {6}health-regression \[custom-command\] \(streak 0\/2, rollback\): /);
  });

  it('junit, github (with a step summary) and markdown', () => {
    const w = world();
    const junit = cli(w, '--format', 'junit').stdout;
    expect(junit).toContain('<testcase classname="rollgate.custom-command.gates" name="gate queue-depth [custom-command]">');
    expect(junit).toContain(`<failure message="surface.health.queue_depth = 3, expected &lt;= 1 (${join(ROOT, 'specs/custom-command.yaml')}:64:15)">`);
    const summary = w.path('summary.md');
    writeFileSync(summary, '');
    const gh = rollgate(['evaluate', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0 + 5 * MIN), '--dry-run', '--format', 'github'], ROOT, { GITHUB_STEP_SUMMARY: summary });
    expect(gh.stdout).toMatch(/^::warning file=.*specs\/custom-command.yaml,title=rollgate hold%3A custom-command canary-1::gate `queue-depth` failed/);
    expect(gh.stdout).toMatch(/::warning file=.*specs\/custom-command.yaml,line=64,col=15,title=gate queue-depth \[custom-command\] fail::surface.health.queue_depth = 3, expected <= 1/);
    expect(readFileSync(summary, 'utf8')).toMatch(/^### ⏸️ rollgate: \*\*hold\*\* · custom-command · canary-1 \(5%\)/);
    expect(cli(w, '--format', 'markdown').stdout).toContain(`| queue-depth | custom-command | **fail** | surface.health.queue_depth = 3, expected <= 1 | ${join(ROOT, 'specs/custom-command.yaml')}:64:15 |`);
  });

  it('missing spec 66, invalid spec 65, bad --now and unknown --input 64, missing --input file 66', () => {
    const w = world();
    expect(rollgate(['evaluate', 'specs/nope.yaml']).code).toBe(66);
    expect(rollgate(['evaluate', 'fixtures/specs/invalid/unknown-key.yaml']).code).toBe(65);
    expect(cli(w, '--now', 'yesterday').code).toBe(64);
    expect(rollgate(['evaluate', 'specs/custom-command.yaml', '--now', 'yesterday']).stderr).toMatch(/give an ISO-8601 instant with a zone/);
    expect(cli(w, '--input', 'nope=x.json').code).toBe(64);
    expect(cli(w, '--input', 'plan=/nope/plan.yaml').code).toBe(66);
  });

  it('status shows where the rollout stands and what a check would decide, changing nothing', () => {
    const w = world();
    const before = w.files();
    const r = rollgate(['status', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0 + 5 * MIN)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^custom-command: progressing, phase canary-1 \(5%\) since 2026-02-16T09:00:00.000Z, 1 check\n/);
    expect(r.stdout).toContain('if checked now: hold: gate `queue-depth` failed for surface `custom-command`: surface.health.queue_depth = 3, expected <= 1');
    expect(r.stdout).toContain('journal: 1 record, hash chain verified');
    expect(w.files()).toEqual(before);
    const json = JSON.parse(rollgate(['status', join(ROOT, 'specs/custom-command.yaml'), '--root', w.root, '--now', String(T0 + 5 * MIN), '--format', 'json']).stdout);
    expect(json).toMatchObject({ rollout: 'custom-command', status: 'progressing', checks: 1, if_checked_now: { decision: 'hold' } });
  });
});
