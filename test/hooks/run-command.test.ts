/**
 * `run` hooks in process, with real child processes: the argv is run without a shell, in the
 * rollout's root, with the ROLLGATE_* variables; a failure says how it failed; a hook past its
 * timeout is stopped, even one that ignores SIGTERM.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { runCommand } from '../../src/hooks/run-command.js';
import { runHooks } from '../../src/hooks/run-hooks.js';
import { tempDir } from '../helpers/temp-dir.js';
import { RECORD } from '../report/fixture-record.js';

const node = process.execPath;
const opts = (cwd: string, timeoutMs = 30_000, env: Record<string, string> = {}) => ({ cwd, env, timeoutMs });
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('passes each argument as it is: no shell expands, splits or runs anything', async () => {
    const dir = tempDir('hook');
    const args = ['$HOME', 'a b; touch pwned', '`touch pwned2`', '*', '"quoted"'];
    const script = "require('fs').writeFileSync('argv.json', JSON.stringify(process.argv.slice(1)))";
    expect(await runCommand([node, '-e', script, ...args], opts(dir))).toEqual({ ok: true, message: 'exited 0' });
    expect(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8'))).toEqual(args);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
  });

  it('runs a relative program from the given folder, with the given variables', async () => {
    const dir = tempDir('hook');
    writeFileSync(join(dir, 'set-weight.sh'), '#!/bin/sh\necho "$1 $ROLLGATE_TRAFFIC" > called\n');
    chmodSync(join(dir, 'set-weight.sh'), 0o755);
    expect(await runCommand(['./set-weight.sh', 'web'], opts(dir, 30_000, { ROLLGATE_TRAFFIC: '25' }))).toEqual({ ok: true, message: 'exited 0' });
    expect(readFileSync(join(dir, 'called'), 'utf8')).toBe('web 25\n');
  });

  it('a non-zero exit fails with its code and the last lines of stderr', async () => {
    const script = "process.stderr.write('one\\ntwo\\nthree\\nfour: no route to lb-1\\n'); process.exit(3)";
    expect(await runCommand([node, '-e', script], opts(tempDir('hook')))).toEqual({ ok: false, message: 'exited 3: two | three | four: no route to lb-1' });
    expect(await runCommand([node, '-e', 'process.exit(1)'], opts(tempDir('hook')))).toEqual({ ok: false, message: 'exited 1' });
  });

  it('a hook killed by a signal says which', async () => {
    expect(await runCommand([node, '-e', "process.kill(process.pid, 'SIGKILL')"], opts(tempDir('hook')))).toEqual({ ok: false, message: 'killed by SIGKILL' });
  });

  it('a program that cannot start says why', async () => {
    const dir = tempDir('hook');
    expect(await runCommand(['./no-such-hook'], opts(dir))).toEqual({ ok: false, message: 'could not start ./no-such-hook: no such program (paths are relative to --root)' });
    writeFileSync(join(dir, 'plain.sh'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'plain.sh'), 0o644);
    const r = await runCommand(['./plain.sh'], opts(dir));
    expect(r.ok).toBe(false);
    // Without an execute bit, even root gets EACCES.
    expect(r.message).toBe('could not start ./plain.sh: not executable');
  });

  it('a hook past its timeout is stopped, and the failure says so', async () => {
    const dir = tempDir('hook');
    const script = "require('fs').writeFileSync('pid', String(process.pid)); setInterval(() => {}, 1000)";
    const started = Date.now();
    expect(await runCommand([node, '-e', script], opts(dir, 500))).toEqual({ ok: false, message: 'timed out after 500 ms and was stopped' });
    expect(Date.now() - started).toBeLessThan(20_000); // not left to run on
    if (existsSync(join(dir, 'pid'))) expect(alive(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('a hook that ignores SIGTERM is killed after the grace period', async () => {
    const dir = tempDir('hook');
    const script = "process.on('SIGTERM', () => {}); require('fs').writeFileSync('pid', String(process.pid)); setInterval(() => {}, 1000)";
    // Without the SIGKILL after the grace, this would never return (the test would time out).
    expect(await runCommand([node, '-e', script], opts(dir, 1000))).toEqual({ ok: false, message: 'timed out after 1000 ms and was stopped' });
    if (existsSync(join(dir, 'pid'))) expect(alive(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });
});

describe('runHooks', () => {
  const record: DecisionRecord = { ...RECORD, decision: 'rollback' };

  it('gives each hook the ROLLGATE_* variables of the decision (traffic 0 on a rollback)', async () => {
    const dir = tempDir('hook');
    const script = "const e = process.env; require('fs').writeFileSync('env.json', JSON.stringify([e.ROLLGATE_ROLLOUT, e.ROLLGATE_DECISION, e.ROLLGATE_PHASE, e.ROLLGATE_TRAFFIC, e.ROLLGATE_RECORD, e.EXTRA]))";
    const run = await runHooks('rollback', [{ kind: 'run', argv: [node, '-e', script], env: { EXTRA: 'from the spec' }, timeoutMs: 30_000 }], record, { cwd: dir, recordPath: '/store/hook-record.json' });
    expect(run).toEqual({ ok: true, results: [{ event: 'rollback', hook: `${node} -e ${script}`, ok: true, message: 'exited 0' }] });
    expect(JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'))).toEqual(['custom-command', 'rollback', 'canary-2', '0', '/store/hook-record.json', 'from the spec']);
  });

  it('runs the hooks in order and stops at the first failure', async () => {
    const dir = tempDir('hook');
    const touch = (name: string) => [node, '-e', `require('fs').writeFileSync(${JSON.stringify(name)}, '')`];
    const hooks = [
      { kind: 'run' as const, argv: touch('first'), env: {}, timeoutMs: 30_000 },
      { kind: 'run' as const, argv: [node, '-e', 'process.exit(2)'], env: {}, timeoutMs: 30_000 },
      { kind: 'run' as const, argv: touch('third'), env: {}, timeoutMs: 30_000 },
    ];
    const run = await runHooks('rollback', hooks, record, { cwd: dir, recordPath: join(dir, 'record.json') });
    expect(run.ok).toBe(false);
    expect(run.results.map((r) => [r.ok, r.message])).toEqual([[true, 'exited 0'], [false, 'exited 2']]);
    expect(existsSync(join(dir, 'first'))).toBe(true);
    expect(existsSync(join(dir, 'third'))).toBe(false);
  });
});
