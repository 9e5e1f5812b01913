/** `rollgate serve` as a real process: start-up, the printed token, refusals, clean stop. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Every server a test started; one a test left running (it hung) is killed after it. */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function start(args: string[]): Promise<{ base: string; token: string | null; stop: () => Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [ROOT + 'bin/rollgate.js', 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // Bound to 127.0.0.1 or 0.0.0.0: either way reached through 127.0.0.1.
      const listening = /listening on http:\/\/(?:127\.0\.0\.1|0\.0\.0\.0):(\d+)\//.exec(err);
      if (listening && err.includes('actions need')) {
        resolve({
          base: `http://127.0.0.1:${listening[1]!}`,
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
    expect(open.stderr).toContain('--host 0.0.0.0 listens beyond this machine: give --token-file with a random token of at least 128 bits; make one with `openssl rand -hex 32 > token-file`');
    const dir = tempDir('serve-token');
    writeFileSync(join(dir, 'short'), 'abc\n');
    const short = rollgate(['serve', 'specs/custom-command.yaml', '--port', '0', '--token-file', join(dir, 'short')]);
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('the token is too easy to guess: it is 3 characters, about 12 bits, and at least 128 are needed');
    expect(rollgate(['serve', 'specs/custom-command.yaml', '--port', '0', '--token-file', join(dir, 'none')]).code).toBe(66);
    expect(rollgate(['serve', 'specs/nope.yaml', '--port', '0']).code).toBe(66);
  });
});

/** A request with any Host header (fetch cannot set one): status, content type and body. */
function raw(base: string, path: string, host: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: init.method ?? 'GET', headers: { ...init.headers, ...(host ? { host } : {}) }, setHost: host !== '' }, (res) => {
      const status = res.statusCode!;
      const type = String(res.headers['content-type'] ?? '');
      // A stream never ends: its head is the answer.
      if (type.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status, type, body: '' });
      }
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status, type, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const tokenFile = (content: string) => {
  const file = join(tempDir('serve-token'), 'token');
  writeFileSync(file, content + '\n');
  return file;
};

describe('rollgate serve beyond loopback: --allowed-host', () => {
  it('refuses to start on --host 0.0.0.0 without --allowed-host, saying what to pass', () => {
    const r = rollgate(['serve', 'specs/custom-command.yaml', '--host', '0.0.0.0', '--port', '0', '--token-file', tokenFile(randomBytes(32).toString('hex'))]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--host 0.0.0.0 listens beyond this machine: give --allowed-host <name> for each name clients use to reach it');
    const bad = rollgate(['serve', 'specs/custom-command.yaml', '--host', '0.0.0.0', '--port', '0', '--allowed-host', 'https://rollgate.test/', '--token-file', tokenFile(randomBytes(32).toString('hex'))]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--allowed-host "https://rollgate.test/": give a host name as clients type it');
  });

  it('answers the allowed names (and loopback names), and refuses any other Host on every endpoint, GET, POST and the stream', async () => {
    const root = tempDir('serve-hosts');
    const token = randomBytes(32).toString('hex');
    const served = await start(['specs/custom-command.yaml', '--host', '0.0.0.0', '--port', '0', '--root', root, '--token-file', tokenFile(token), '--allowed-host', 'rollgate.test', '--allowed-host', 'other.test:1']);
    try {
      const port = new URL(served.base).port;
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const refresh = JSON.stringify({ action: 'refresh' });
      for (const host of ['evil.example', `evil.example:${port}`, 'rollgate.test.evil.example', `other.test:${port}`]) {
        for (const [path, method] of [['/dashboard/health', 'GET'], ['/dashboard/widgets', 'GET'], ['/dashboard/alerts', 'GET'], ['/dashboard/queue-timeline', 'GET'], ['/', 'GET'], ['/app.js', 'GET'], ['/dashboard/stream', 'GET'], ['/dashboard/actions', 'POST']] as const) {
          const r = await raw(served.base, path, host, method === 'POST' ? { method, body: refresh, headers: auth } : {});
          expect({ host, path, status: r.status }).toEqual({ host, path, status: 421 });
          expect(r.type).toBe('application/json; charset=utf-8');
          expect(JSON.parse(r.body)).toMatchObject({ schema_version: 1, error: expect.stringContaining('this server answers to') });
        }
      }
      // No Host at all: refused before it reaches the dashboard (Node answers 400 itself).
      expect((await raw(served.base, '/dashboard/health', '')).status).toBeGreaterThanOrEqual(400);
      for (const host of ['rollgate.test', `rollgate.test:${port}`, 'ROLLGATE.test', 'other.test:1', `127.0.0.1:${port}`, `localhost:${port}`]) {
        const r = await raw(served.base, '/dashboard/health', host);
        expect({ host, status: r.status }).toEqual({ host, status: 200 });
        expect(JSON.parse(r.body)).toMatchObject({ schema_version: 1 });
      }
      expect((await raw(served.base, '/dashboard/stream', 'rollgate.test')).type).toBe('text/event-stream; charset=utf-8');
      expect((await raw(served.base, '/dashboard/actions', 'rollgate.test', { method: 'POST', body: refresh, headers: auth })).status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe('rollgate serve: the token must be hard to guess', () => {
  it.each([
    ['16 identical characters', 'a'.repeat(16), 'it is 16 characters, about 64 bits'],
    ['64 identical characters', 'a'.repeat(64), 'it uses only 1 distinct characters'],
    ['a repeated pair', 'ab'.repeat(24), 'it uses only 2 distinct characters'],
    ['a repeated pattern', '0123456789abcdef'.repeat(3), 'it repeats a 16-character pattern'],
    ['a run of letters', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', 'it is mostly runs of neighbouring characters'],
    ['a short random token', randomBytes(8).toString('hex'), 'it is 16 characters, about 64 bits'],
  ])('%s: exit 64 and how to make a good one', (_name, token, why) => {
    const r = rollgate(['serve', 'specs/custom-command.yaml', '--port', '0', '--token-file', tokenFile(token)]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`the token is too easy to guess: ${why}`);
    expect(r.stderr).toContain('Make a random one with `openssl rand -hex 32` or `node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"`');
  });

  it.each([
    ['32 random bytes as hex', randomBytes(32).toString('hex')],
    ['32 random bytes as base64url', randomBytes(32).toString('base64url')],
  ])('%s is accepted, and actions need exactly it', async (_name, token) => {
    const served = await start(['specs/custom-command.yaml', '--port', '0', '--root', tempDir('serve-good-token'), '--token-file', tokenFile(token)]);
    try {
      expect(served.stderr()).toContain('actions need the token in');
      const post = (t: string) => fetch(served.base + '/dashboard/actions', { method: 'POST', headers: { authorization: `Bearer ${t}` }, body: '{"action":"refresh"}' });
      expect((await post(token)).status).toBe(200);
      expect((await post(token.slice(0, -1))).status).toBe(401);
      expect((await post(token + 'x')).status).toBe(401);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

/** The promise's value, or 'timed out' after `ms`. */
function within<T>(ms: number, p: Promise<T>): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms)))]).finally(() => clearTimeout(timer));
}

describe('rollgate serve stops on a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s with open event streams and an idle keep-alive connection: the streams end and it exits 0', async (signal) => {
    const root = tempDir('serve-signal');
    const child = spawn(process.execPath, [ROOT + 'bin/rollgate.js', 'serve', 'specs/custom-command.yaml', '--port', '0', '--root', root], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let err = '';
    const port = await new Promise<string>((resolve) => child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m && err.includes('actions need')) resolve(m[1]!);
    }));
    const base = `http://127.0.0.1:${port}`;
    const streams = await Promise.all([1, 2, 3].map(async () => (await fetch(base + '/dashboard/stream')).body!.getReader()));
    for (const r of streams) await r.read(); // the first snapshot arrived
    await (await fetch(base + '/dashboard/health')).json(); // leaves a keep-alive connection open
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await within(5_000, exited), `serve exits 0 within 5 s of ${signal}`).toBe(0);
    for (const r of streams) {
      // Everything left in the stream, then its end (or an error: the connection closed).
      let ended = false;
      for (let i = 0; i < 100 && !ended; i++) ended = await r.read().then((x) => x.done, () => true);
      expect(ended).toBe(true);
    }
    expect(err).toContain(`rollgate serve: ${signal}: stopping`);
  });
});

describe('rollgate serve when a rollout cannot be read at start-up', () => {
  it('starts anyway and serves the failure: a directory in place of the event log', async () => {
    const root = tempDir('serve-dir-log');
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(root, '.tau/custom-command'), { recursive: true });
    rmSync(join(root, '.tau/custom-command/runtime-events.jsonl'));
    mkdirSync(join(root, '.tau/custom-command/runtime-events.jsonl'));
    const served = await start(['specs/custom-command.yaml', '--port', '0', '--root', root]);
    try {
      const health = (await (await fetch(served.base + '/dashboard/health')).json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(health).toMatchObject({ overall: 'critical', last_good_unix_ms: null, data_age_ms: null });
      expect(health.rollouts[0]).toMatchObject({ rollout: 'custom-command', rollout_gate: 'hold', last_good_unix_ms: null });
      expect(health.rollouts[0].refresh_error).toMatch(/directory/i);
      const { alerts } = (await (await fetch(served.base + '/dashboard/alerts')).json()) as { alerts: { kind: string; message: string }[] };
      expect(alerts[0]).toMatchObject({ kind: 'refresh-failed', message: expect.stringMatching(/^custom-command: the dashboard cannot refresh this rollout: .*directory.*; nothing could be read yet$/i) });
      expect(served.stderr()).toMatch(/custom-command: refresh failed: .*directory/i);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe('rollgate serve with a FIFO in place of a producer file', () => {
  // A FIFO blocks a plain read until someone writes to it: serve must neither freeze nor ignore SIGTERM.
  it.each(['state.json', 'control-state.json', 'runtime-events.jsonl'])('%s as a FIFO: serve answers /dashboard/health and exits on SIGTERM', async (file) => {
    const root = tempDir('serve-fifo');
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(root, '.tau/custom-command'), { recursive: true });
    rmSync(join(root, '.tau/custom-command', file), { force: true });
    execFileSync('mkfifo', [join(root, '.tau/custom-command', file)]);
    const served = await within(8_000, start(['specs/custom-command.yaml', '--port', '0', '--root', root]));
    expect(served, 'serve starts listening within 8 s').not.toBe('timed out');
    if (served === 'timed out') return;
    const res = await within(5_000, fetch(served.base + '/dashboard/health'));
    expect(res, '/dashboard/health answers within 5 s').not.toBe('timed out');
    if (res !== 'timed out') {
      expect(res.status).toBe(200);
      const health = (await res.json()) as { schema_version: number; overall: string };
      expect(health.schema_version).toBe(1);
      // A FIFO is no state: never ok.
      if (file === 'state.json') expect(health.overall).not.toBe('ok');
    }
    expect(await within(5_000, served.stop()), 'serve exits 0 within 5 s of SIGTERM').toBe(0);
  });
});
