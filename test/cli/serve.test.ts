/** `rollgate serve` as a real process: start-up, the printed token, refusals, clean stop. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

function start(args: string[]): Promise<{ base: string; token: string | null; stop: () => Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [ROOT + 'bin/rollgate.js', 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
      if (listening && err.includes('actions need')) {
        resolve({
          base: listening[1]!,
          token: /#token=([0-9a-f]+)/.exec(err)?.[1] ?? null,
          stderr: () => err,
          stop: () => new Promise((done) => {
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('rollgate serve', () => {
  it('binds loopback, prints the URL with a fresh token, answers, and stops cleanly on SIGTERM', async () => {
    const root = tempDir('serve-cli');
    const served = await start(['specs/custom-command.yaml', '--port', '0', '--root', root]);
    const health = (await (await fetch(served.base + '/dashboard/health')).json()) as { schema_version: number; overall: string };
    expect(health.schema_version).toBe(1);
    // No state yet: missing state is critical, never ok.
    expect(health.overall).toBe('critical');
    expect(served.token).toMatch(/^[0-9a-f]{48}$/);
    const denied = await fetch(served.base + '/dashboard/actions', { method: 'POST', body: '{}' });
    expect(denied.status).toBe(401);
    // A DNS-rebinding request carries a foreign Host: refused.
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      request(served.base + '/dashboard/health', { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject).end();
    });
    expect(rebound).toBe(421);
    expect(await served.stop()).toBe(0);
  });

  it('--schedule runs the specs\' checks in the same process, and the dashboard shows them', async () => {
    const root = tempDir('serve-schedule');
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-dashboard-healthy'), join(root, '.tau/dashboard'), { recursive: true });
    const served = await start(['specs/dashboard.yaml', '--port', '0', '--root', root, '--schedule']);
    try {
      // Never checked before, so the first check is due at once.
      let health: { rollouts: { last_decision: string | null }[] } = { rollouts: [{ last_decision: null }] };
      for (let i = 0; i < 50 && health.rollouts[0]!.last_decision === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = (await (await fetch(served.base + '/dashboard/health')).json()) as typeof health;
      }
      expect(health.rollouts[0]!.last_decision).toBe('hold'); // the sample state is months old: stale
      expect(served.stderr()).toMatch(/dashboard check 1: hold canary-1 \(5%\)/);
      expect(existsSync(join(root, '.rollgate/dashboard/decisions.jsonl'))).toBe(true);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('refuses to listen beyond loopback without a token file, and checks the token file', () => {
    const open = rollgate(['serve', 'specs/custom-command.yaml', '--host', '0.0.0.0', '--port', '0']);
    expect(open.code).toBe(64);
    expect(open.stderr).toContain('--host 0.0.0.0 listens beyond this machine: give --token-file');
    const dir = tempDir('serve-token');
    writeFileSync(join(dir, 'short'), 'abc\n');
    const short = rollgate(['serve', 'specs/custom-command.yaml', '--port', '0', '--token-file', join(dir, 'short')]);
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('the token is 3 characters; use at least 16');
    expect(rollgate(['serve', 'specs/custom-command.yaml', '--port', '0', '--token-file', join(dir, 'none')]).code).toBe(66);
    expect(rollgate(['serve', 'specs/nope.yaml', '--port', '0']).code).toBe(66);
  });
});
