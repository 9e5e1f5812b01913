/**
 * The PostgreSQL store against a real server on 127.0.0.1 (started by the global setup, one
 * database per test): the same records as the file store, one writer per rollout across
 * "hosts" (separate --root copies), crashes at every fault point, a session killed mid-check,
 * the database down, a wrong password. The CLI runs as real processes.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { freshDatabase, psql, startPrivateServer } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { webSpec } from '../helpers/web-spec.js';
import { MIN, T0 } from '../helpers/world.js';

const SPEC = webSpec('echo "$ROLLGATE_PHASE" >> promoted.txt; if [ -n "$HOOK_WAIT" ]; then touch "$HOOK_WAIT.started"; while [ ! -e "$HOOK_WAIT" ]; do sleep 0.05; done; fi', '30s');

/** A "host": its own working directory with the spec and a copy of the surface's files. */
function host(codes: string[] = ['healthy_cycle'], at = T0): string {
  const root = tempDir('pg-host');
  writeFileSync(join(root, 'web.yaml'), SPEC);
  writeSurface(root, at, codes);
  return root;
}

function writeSurface(root: string, at: number, codes: string[]): void {
  const dir = join(root, '.tau/web');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ schema_version: 1, processed_case_keys: [], commands: [], health: { updated_unix_ms: at, failure_streak: 0, last_cycle_failed: 0, queue_depth: 0 } }));
  // The log grows by appends, as the producer's does (a rewrite would be lost lines: unknown windows).
  appendFileSync(join(dir, 'runtime-events.jsonl'), JSON.stringify({ timestamp_unix_ms: at, health_state: 'healthy', health_reason: 'ok', reason_codes: codes }) + '\n');
}

const iso = (ms: number) => new Date(ms).toISOString();
const cli = (root: string, store: string, args: string[], env: Record<string, string> = {}) => rollgate([...args, '--root', root, '--store', store], root, env);

/** The CLI as a child process that runs alongside others. */
function start(root: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

async function journal(store: string) {
  return psql<{ check_no: number; line: string }>(store, 'SELECT check_no, line FROM rollgate.journal ORDER BY check_no');
}

describe('the PostgreSQL store keeps what the file store keeps', () => {
  it('the same checks and actions give the same records and hash chain on both stores; status and journal --verify read it back', async () => {
    const url = await freshDatabase('same');
    const a = host();
    const b = host();
    const fileDir = join(b, '.rollgate');
    const steps: string[][] = [
      ['evaluate', 'web.yaml', '--now', iso(T0)],
      ['control', 'web.yaml', 'pause', '--reason', 'INC-7', '--actor', 'ann', '--now', iso(T0 + MIN)],
      ['control', 'web.yaml', 'resume', '--reason', 'fixed', '--actor', 'ann', '--now', iso(T0 + 2 * MIN)],
      ['evaluate', 'web.yaml', '--now', iso(T0 + 3 * MIN)],
    ];
    for (const step of steps) {
      const pgRun = cli(a, url, step);
      const fileRun = cli(b, fileDir, step);
      expect(pgRun.code, pgRun.stderr).toBe(fileRun.code);
      expect(pgRun.stdout).toBe(fileRun.stdout);
    }
    const pgJournal = cli(a, url, ['journal', 'web.yaml', '--verify', '--format', 'json']);
    const fileJournal = cli(b, fileDir, ['journal', 'web.yaml', '--verify', '--format', 'json']);
    expect(pgJournal.code, pgJournal.stderr).toBe(0);
    const records = (s: string) => (JSON.parse(s) as { records: unknown[] }).records;
    expect(records(pgJournal.stdout)).toEqual(records(fileJournal.stdout));
    expect(records(pgJournal.stdout)).toHaveLength(4);
    const audit = await psql<{ line: string }>(url, 'SELECT line FROM rollgate.audit ORDER BY seq');
    expect(audit.map((r) => JSON.parse(r.line).action)).toEqual(['pause', 'resume']);
    const status = cli(a, url, ['status', 'web.yaml', '--now', iso(T0 + 4 * MIN)]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('journal: 4 records, hash chain verified');
    expect(status.stdout).toBe(cli(b, fileDir, ['status', 'web.yaml', '--now', iso(T0 + 4 * MIN)]).stdout);
  });

  it('ROLLGATE_STORE stands in for --store; store init is idempotent and safe from two processes at once', async () => {
    const url = await freshDatabase('env');
    const root = host();
    const inits = await Promise.all([start(root, ['store', 'init', '--store', url]).done, start(root, ['store', 'init', '--store', url]).done]);
    for (const r of inits) expect(r.code, r.stderr).toBe(0);
    expect(inits.map((r) => r.stdout).sort()).toEqual([
      expect.stringContaining('applied migration 1; the rollgate schema is at version 1'),
      expect.stringContaining('the rollgate schema is current (version 1); nothing to do'),
    ].sort((x, y) => (x < y ? -1 : 1)) as never);
    const r = rollgate(['evaluate', 'web.yaml', '--now', iso(T0)], root, { ROLLGATE_STORE: url });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(root, '.rollgate'))).toBe(false);
    expect(await journal(url)).toHaveLength(1);
  });
});

describe('one writer per rollout across hosts', () => {
  it('20 evaluate processes from 4 roots at once: one record per applied check, the rest exit 75, the chain verifies', async () => {
    const url = await freshDatabase('race');
    const roots = [host(), host(), host(), host()];
    expect(cli(roots[0]!, url, ['store', 'init']).code).toBe(0);
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => start(roots[i % 4]!, ['evaluate', 'web.yaml', '--now', iso(T0 + i), '--store', url, '--root', roots[i % 4]!]).done));
    const codes = runs.map((r) => r.code);
    for (const r of runs) expect([0, 1, 75], r.stderr).toContain(r.code);
    const applied = codes.filter((c) => c !== 75).length;
    const locked = runs.filter((r) => r.code === 75);
    expect(applied).toBeGreaterThan(0);
    for (const r of locked) expect(r.stderr).toMatch(/the rollout is locked by another check|already journaled|another evaluator changed the rollout/);
    const rows = await journal(url);
    expect(rows).toHaveLength(applied);
    expect(rows.map((r) => r.check_no)).toEqual(rows.map((_, i) => i + 1));
    const verify = cli(roots[1]!, url, ['journal', 'web.yaml', '--verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

describe('crashes and lost sessions', () => {
  for (const fault of ['holding-lock', 'after-journal', 'before-audit'] as const) {
    it(`kill -9 at ${fault}: the next check gets the lock at once, state and journal agree, nothing applied twice`, async () => {
      const url = await freshDatabase(`fault_${fault}`);
      const root = host();
      expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
      const action = fault === 'before-audit' ? ['control', 'web.yaml', 'pause', '--reason', 'x'] : ['evaluate', 'web.yaml'];
      const crashed = cli(root, url, [...action, '--now', iso(T0 + MIN)], { ROLLGATE_FAULT: fault });
      expect(crashed.code).toBeNull(); // killed by SIGKILL
      const next = cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + 2 * MIN)]);
      expect([0, 1], next.stderr).toContain(next.code);
      const rows = await journal(url);
      // holding-lock and after-journal die before COMMIT: that check never happened. before-audit dies after it.
      expect(rows.map((r) => r.check_no)).toEqual(fault === 'before-audit' ? [1, 2, 3] : [1, 2]);
      if (fault === 'before-audit') {
        const audit = await psql<{ line: string }>(url, 'SELECT line FROM rollgate.audit');
        expect(audit.map((r) => JSON.parse(r.line).action)).toEqual(['pause']);
      }
      const verify = cli(root, url, ['journal', 'web.yaml', '--verify']);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(await psql(url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory'")).toEqual([]);
    });
  }

  it('pg_terminate_backend of the holder during its promote hook: the commit is refused (73) and nothing is written', async () => {
    const url = await freshDatabase('terminate');
    const root = host();
    expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
    writeSurface(root, T0 + 11 * MIN, ['healthy_cycle']);
    const wait = join(root, 'release-hook');
    const run = start(root, ['evaluate', 'web.yaml', '--now', iso(T0 + 11 * MIN), '--root', root, '--store', url], { HOOK_WAIT: wait });
    let finished = false;
    void run.done.then(() => (finished = true));
    while (!existsSync(`${wait}.started`) && !finished) await new Promise((r) => setTimeout(r, 20));
    expect(finished, 'the check ended before its promote hook ran').toBe(false);
    const killed = await psql<{ ok: boolean }>(url, `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE $1`, [`rollgate pid ${run.child.pid} %`]);
    expect(killed).toEqual([{ ok: true }]);
    writeFileSync(wait, '');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(73);
    expect(r.stderr).toMatch(/the database server ended this session|the connection to the database was lost/);
    expect((await journal(url)).map((x) => x.check_no)).toEqual([1]);
    const state = await psql<{ state: string }>(url, 'SELECT state FROM rollgate.rollouts');
    expect(JSON.parse(state[0]!.state)).toMatchObject({ checks: 1, phase: { name: 'canary' } });
    // The promotion is retried by the next check, which gets the lock at once.
    const next = cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + 12 * MIN)]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/^PROMOTE /);
  });
});

describe('the database unavailable', () => {
  it('stopped: exit 73 with a sentence, nothing half-written; started again: the next check proceeds', async () => {
    const server = await startPrivateServer();
    try {
      const url = server.url;
      const root = host();
      expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
      await server.stop();
      const down = cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + MIN)]);
      expect(down.code).toBe(73);
      expect(down.stderr).toContain('the database server is not accepting connections');
      expect(down.stderr).not.toContain(server.password);
      await server.start();
      const again = cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + 2 * MIN)]);
      expect(again.code, again.stderr).toBe(0);
      expect((await journal(url)).map((r) => r.check_no)).toEqual([1, 2]);
    } finally {
      await server.close();
    }
  });

  it('a wrong password: one sentence, exit 73, and the password is shown nowhere', async () => {
    const url = await freshDatabase('password');
    const wrong = url.replace(/:([^:@/]+)@/, ':not-the-password-42@');
    const root = host();
    for (const args of [['evaluate', 'web.yaml', '--now', iso(T0)], ['status', 'web.yaml'], ['journal', 'web.yaml', '--verify'], ['store', 'init']]) {
      const r = cli(root, wrong, args);
      expect(r.code, r.stderr).toBe(73);
      expect(r.stderr).toContain('the database refused the password (check the URL, PGPASSWORD or ~/.pgpass)');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout + r.stderr).not.toContain('not-the-password-42');
    }
  });

  it('PGPASSWORD supplies the password of a URL without one', async () => {
    const url = await freshDatabase('pgpassword');
    const u = new URL(url);
    const password = decodeURIComponent(u.password);
    u.password = '';
    const root = host();
    const r = cli(root, u.toString(), ['evaluate', 'web.yaml', '--now', iso(T0)], { PGPASSWORD: password });
    expect(r.code, r.stderr).toBe(0);
    expect(await journal(url)).toHaveLength(1);
  });
});

describe('rollback on the shared store', () => {
  it('a rollback keeps its incident bundle in the database', async () => {
    const url = await freshDatabase('incident');
    const root = host();
    expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
    writeSurface(root, T0 + MIN, ['case_processing_failed']);
    const r = cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + MIN), '--format', 'json']);
    expect(r.code, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout).notes).toContain("incident bundle kept in the store's rollgate.incidents table (rollout web, check 2)");
    const rows = await psql<{ files: Record<string, string> }>(url, 'SELECT files FROM rollgate.incidents');
    expect(Object.keys(rows[0]!.files).sort()).toEqual(['decision.json', 'manifest.json', 'web/events-of-phase.jsonl', 'web/state.json']);
    expect(JSON.parse(Buffer.from(rows[0]!.files['decision.json']!, 'base64').toString())).toMatchObject({ decision: 'rollback', check: 2 });
  });
});

describe('store copy', () => {
  it('file -> PostgreSQL -> file round-trips a rollout of 1,000 records byte for byte; both sides verify; a second copy is refused', async () => {
    const { loadSpecFile } = await import('../../src/spec/load-spec.js');
    const { operate } = await import('../../src/runner/operate.js');
    const { fileStore } = await import('../../src/store/file-store.js');
    const root = host();
    // A long soak: 1,000 checks that all stay in canary.
    writeFileSync(join(root, 'web.yaml'), SPEC.replaceAll('soak: 10m', 'soak: 30d'));
    const spec = loadSpecFile(join(root, 'web.yaml')).spec!;
    const source = join(root, 'store-a');
    const store = fileStore(source, 'web');
    let at = T0;
    for (let i = 0; i < 997; i++) {
      at += MIN;
      writeSurface(root, at, ['healthy_cycle']);
      await operate(spec, { kind: 'check', dryRun: false }, { store, root, nowMs: at });
    }
    await operate(spec, { kind: 'action', action: 'pause', who: { actor: 'ann', reason: 'INC-1' } }, { store, root, nowMs: at + 1 });
    await operate(spec, { kind: 'action', action: 'resume', who: { actor: 'ann', reason: 'ok' } }, { store, root, nowMs: at + 2 });
    writeSurface(root, at + 3, ['case_processing_failed']);
    const last = await operate(spec, { kind: 'check', dryRun: false }, { store, root, nowMs: at + 3 });
    expect(last.ok && last.record.decision).toBe('rollback');

    const url = await freshDatabase('copy');
    const there = rollgate(['store', 'copy', '--from', source, '--to', url], root);
    expect(there.code, there.stderr).toBe(0);
    expect(there.stdout).toContain('web: 1000 records, the state, 2 audit lines, 1 incident copied from');
    expect(there.stdout).not.toContain(new URL(url).password);
    expect(cli(root, url, ['journal', 'web.yaml', '--verify']).code).toBe(0);
    const back = join(root, 'store-b');
    const home = rollgate(['store', 'copy', '--from', url, '--to', back], root);
    expect(home.code, home.stderr).toBe(0);
    const files = (dir: string) => {
      const out: Record<string, string> = {};
      const walk = (at2: string, rel: string) => {
        for (const e of readdirSync(at2, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(at2, e.name), `${rel}${e.name}/`);
          else out[`${rel}${e.name}`] = readFileSync(join(at2, e.name)).toString('base64');
        }
      };
      walk(dir, '');
      return out;
    };
    const before = files(join(source, 'web'));
    const after = files(join(back, 'web'));
    expect(Object.keys(before).sort()).toEqual(expect.arrayContaining(['decisions.jsonl', 'rollout.json', 'actions-audit.jsonl']));
    for (const name of ['decisions.jsonl', 'rollout.json', 'actions-audit.jsonl']) expect(after[name], name).toBe(before[name]);
    const incidentFiles = (f: Record<string, string>) => Object.fromEntries(Object.entries(f).filter(([k]) => k.startsWith('incidents/')));
    expect(incidentFiles(after)).toEqual(incidentFiles(before));
    expect(cli(root, back, ['journal', 'web.yaml', '--verify']).code).toBe(0);
    const again = rollgate(['store', 'copy', '--from', source, '--to', url], root);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('already holds rollout web; copy into a store that does not (nothing was written)');
  }, 120_000); // 1,000 checks and two copies: well within a minute, but a loaded CI machine may take longer than the default

  it('PostgreSQL -> PostgreSQL: one database to another, the journal row for row, state, audit lines and incident; the target verifies and takes the next check; a second copy is refused', async () => {
    const { loadSpecFile } = await import('../../src/spec/load-spec.js');
    const { operate } = await import('../../src/runner/operate.js');
    const { openStore } = await import('../../src/store/open-store.js');
    const root = host();
    writeFileSync(join(root, 'web.yaml'), SPEC.replaceAll('soak: 10m', 'soak: 30d'));
    const spec = loadSpecFile(join(root, 'web.yaml')).spec!;
    const source = await freshDatabase('copy_from');
    const target = await freshDatabase('copy_to');
    expect(rollgate(['store', 'init', '--store', source], root).code).toBe(0);
    // The source written by the PostgreSQL store itself (not by a copy): 36 checks, a pause and
    // a resume (audit rows), a rollback (an incident row): 39 commits, so its state row is at version 39.
    const store = openStore(source, 'web');
    let at = T0;
    try {
      for (let i = 0; i < 36; i++) {
        at += MIN;
        writeSurface(root, at, ['healthy_cycle']);
        const r = await operate(spec, { kind: 'check', dryRun: false }, { store, root, nowMs: at });
        expect(r.ok).toBe(true);
      }
      await operate(spec, { kind: 'action', action: 'pause', who: { actor: 'ann', reason: 'INC-2' } }, { store, root, nowMs: at + 1 });
      await operate(spec, { kind: 'action', action: 'resume', who: { actor: 'ann', reason: 'ok' } }, { store, root, nowMs: at + 2 });
      at += 3;
      writeSurface(root, at, ['case_processing_failed']);
      const last = await operate(spec, { kind: 'check', dryRun: false }, { store, root, nowMs: at });
      expect(last.ok && last.record.decision).toBe('rollback');
    } finally {
      await store.close();
    }

    const copy = rollgate(['store', 'copy', '--from', source, '--to', target], root);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toContain('web: 39 records, the state, 2 audit lines, 1 incident copied from');
    for (const url of [source, target]) expect(copy.stdout + copy.stderr).not.toContain(new URL(url).password);

    const rows = async (url: string) => ({
      journal: await psql(url, 'SELECT rollout, check_no, line, hash FROM rollgate.journal ORDER BY rollout, check_no'),
      state: await psql(url, 'SELECT name, state FROM rollgate.rollouts ORDER BY name'),
      audit: await psql(url, 'SELECT rollout, request_id, line FROM rollgate.audit ORDER BY rollout, seq'),
      incidents: await psql(url, 'SELECT rollout, check_no, created_unix_ms, files FROM rollgate.incidents ORDER BY rollout, check_no'),
    });
    const from = await rows(source);
    const to = await rows(target);
    expect(from.journal).toHaveLength(39);
    expect(from.audit).toHaveLength(2);
    expect(from.incidents).toHaveLength(1);
    expect(to.journal).toEqual(from.journal);
    expect(to.state).toEqual(from.state);
    expect(to.audit).toEqual(from.audit);
    expect(to.incidents).toEqual(from.incidents);
    const version = (url: string) => psql(url, 'SELECT version::int AS version FROM rollgate.rollouts');
    expect(await version(source)).toEqual([{ version: 39 }]);
    expect(await version(target)).toEqual([{ version: 1 }]);

    const verify = cli(root, target, ['journal', 'web.yaml', '--verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('the hash chain of 39 records is intact');
    const status = (url: string) => cli(root, url, ['status', 'web.yaml', '--now', iso(at + MIN)]);
    expect(status(target).stdout).toBe(status(source).stdout.replaceAll(new URL(source).pathname.slice(1), new URL(target).pathname.slice(1)));

    // Copying again is refused and writes nothing.
    const again = rollgate(['store', 'copy', '--from', source, '--to', target], root);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('already holds rollout web; copy into a store that does not (nothing was written)');
    expect(await rows(target)).toEqual(to);

    // The copy is a store to go on with: a retry (an audit row and a record) and the next check
    // commit on the target (its state row's version starts again at 1) and chain onto the copy.
    writeSurface(root, at + 2 * MIN, ['healthy_cycle']);
    const retry = cli(root, target, ['control', 'web.yaml', 'retry', '--reason', 'fixed', '--actor', 'ann', '--now', iso(at + MIN)]);
    expect(retry.code, retry.stderr).toBe(0);
    const next = cli(root, target, ['evaluate', 'web.yaml', '--now', iso(at + 2 * MIN)]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('check 41');
    expect((await journal(target)).map((r) => r.check_no)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(await version(target)).toEqual([{ version: 3 }]);
    expect(cli(root, target, ['journal', 'web.yaml', '--verify']).code).toBe(0);
    expect(await journal(source)).toHaveLength(39);
  });
});

describe('run on many hosts', () => {
  it('50 rollouts × 4 `run --once` processes (4 roots) for 5 ticks: every rollout checked exactly once per tick; no lock left', async () => {
    const url = await freshDatabase('run');
    const names = Array.from({ length: 50 }, (_, i) => `web-${String(i).padStart(2, '0')}`);
    const roots = Array.from({ length: 4 }, () => {
      const root = tempDir('pg-run-host');
      mkdirSync(join(root, 'specs'));
      for (const name of names) {
        writeFileSync(join(root, 'specs', `${name}.yaml`), SPEC.replace('metadata: { name: web }', `metadata: { name: ${name} }`).replace('hooks:', 'schedule: { cron: "* * * * *", timezone: UTC }\nhooks:'));
      }
      return root;
    });
    const specs = names.map((n) => `specs/${n}.yaml`);
    for (let tick = 1; tick <= 5; tick++) {
      const at = T0 + tick * MIN;
      for (const root of roots) writeSurface(root, at, ['healthy_cycle']);
      const runs = await Promise.all(roots.map((root) => start(root, ['run', '--once', '--now', iso(at), '--store', url, '--root', root, ...specs]).done));
      for (const r of runs) expect([0, 1, 75], r.stderr).toContain(r.code);
      const counts = await psql<{ rollout: string; n: string; last: string }>(url, `SELECT rollout, count(*) AS n, max((line::jsonb->>'evaluated_unix_ms')::bigint) AS last FROM rollgate.journal GROUP BY rollout ORDER BY rollout`);
      expect(counts.map((c) => [c.rollout, Number(c.n), Number(c.last)])).toEqual(names.map((n) => [n, tick, at]));
    }
    expect(await psql(url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory'")).toEqual([]);
  }, 120_000);
});

describe('event cursors across hosts', () => {
  it("a check on a host that reads another copy of the log does not count it as new: its windows are unknown, it holds and says why", async () => {
    const url = await freshDatabase('cursor');
    const a = host();
    const b = host();
    expect(cli(a, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
    writeSurface(b, T0 + MIN, ['case_processing_failed']);
    const r = cli(b, url, ['evaluate', 'web.yaml', '--now', iso(T0 + MIN), '--format', 'json']);
    const record = JSON.parse(r.stdout) as { decision: string; reasons: string[]; notes: string[] };
    // Never a pass on counts it cannot trust, and never a rollback on lines it may have counted twice.
    expect(record.decision, r.stdout).toBe('hold');
    expect([...record.reasons, ...record.notes].join('\n')).toMatch(/unknown|lost|replaced/);
  });
});

describe('serve on the shared store', () => {
  it('every commit notifies channel rollgate with the rollout, delivered at commit', async () => {
    const url = await freshDatabase('notify');
    const root = host();
    expect(cli(root, url, ['store', 'init']).code).toBe(0);
    const pg = (await import('pg')).default;
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN rollgate');
    try {
      expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0)]).code).toBe(0);
      expect(cli(root, url, ['evaluate', 'web.yaml', '--now', iso(T0 + MIN), '--dry-run']).code).toBe(0);
      await listener.query('SELECT 1'); // notifications arrive before the answer to a later query
      expect(heard).toEqual(['rollgate:web']);
    } finally {
      await listener.end();
    }
  });

  it("a check committed on another host shows on the dashboard without waiting for the 30 s refresh", async () => {
    const url = await freshDatabase('serve');
    const a = host();
    const now = Date.now();
    const b = host(['healthy_cycle'], now);
    expect(cli(a, url, ['store', 'init']).code).toBe(0);
    const serve = start(a, ['serve', 'web.yaml', '--port', '0', '--root', a, '--store', url]);
    try {
      let base = '';
      for (let i = 0; i < 400 && !base; i++) {
        await new Promise((r) => setTimeout(r, 50));
        base = /listening on (http:\/\/[^ ]+\/)/.exec(serve.stderr())?.[1] ?? '';
      }
      expect(base, serve.stderr()).not.toBe('');
      const status = async () => ((await (await fetch(`${base}dashboard/health`)).json()) as { rollouts: { status: string; last_decision: string | null }[] }).rollouts[0]!;
      expect((await status()).status).toBe('not_started');
      expect(cli(b, url, ['evaluate', 'web.yaml', '--now', iso(now)]).code).toBe(0);
      // The timed refresh is 30 s away; the notification brings it now (bounded well below 30 s).
      let seen = await status();
      for (let i = 0; i < 150 && seen.status === 'not_started'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await status();
      }
      expect(seen).toMatchObject({ status: 'progressing', last_decision: 'wait' });
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  }, 60_000);
});
