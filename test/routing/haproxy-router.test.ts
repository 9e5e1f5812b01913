/**
 * The HAProxy router against a real HAProxy (test/helpers/haproxy-server.ts) in front of two real
 * backends: what `read` finds and `set` leaves is what the traffic shows (400 sequential requests
 * through `balance roundrobin` split exactly as the weights say); runtime weights lost in a
 * restart are read back as the config's and set again; a stopped HAProxy, a wrong name, a socket
 * below level admin, a silent or garbling socket each answer a sentence, never a throw.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyRouter, haproxyWeights } from '../../src/routing/haproxy.js';
import type { Router } from '../../src/routing/router.js';
import type { RoutingSpec } from '../../src/spec/types.js';
import { countResponses, startBackends, type Backends } from '../helpers/backends.js';
import { haproxyCommand, startHaproxy, type HaproxyServer } from '../helpers/haproxy-server.js';
import { tempDir } from '../helpers/temp-dir.js';

type HaproxySpec = Extract<RoutingSpec, { provider: 'haproxy' }>;

const spec = (over: Partial<HaproxySpec> = {}): HaproxySpec => ({
  provider: 'haproxy',
  // Relative to the root: the router resolves it like every path of a spec.
  socket: 'admin.sock',
  address: null,
  backend: 'app',
  stable: 'stable',
  canary: 'canary',
  timeoutMs: 5_000,
  ...over,
});

/**
 * HAProxy's roundrobin (fwrr) applies new weights fully from its next cycle, when it switches
 * trees; a cycle is the total effective weight in requests (16 per unit of weight). Weights
 * changed in the middle of a cycle leave that cycle's remaining picks a request or two off, so
 * the exact counts are taken from a fresh HAProxy (stop/start: no history) after the first cycle,
 * which runs at haproxy.cfg's weights, 3 + 1: 64 requests. From there the sequence is periodic
 * and any 400 requests split exactly as set (and deterministically: one thread, no checks).
 */
const FIRST_CYCLE = (3 + 1) * 16;

async function countAfterFirstCycle(): Promise<Record<string, number>> {
  await countResponses(haproxy.url, FIRST_CYCLE);
  return countResponses(haproxy.url, 400);
}

let backends: Backends;
let haproxy: HaproxyServer;
let router: Router;

beforeAll(async () => {
  backends = await startBackends();
  // 3 : 1 in haproxy.cfg, so the config's own split (25%) is told apart from anything set.
  haproxy = await startHaproxy({ backends, stableWeight: 3, canaryWeight: 1, tcpStats: true });
  router = haproxyRouter(spec(), haproxy.dir);
});

afterAll(async () => {
  await haproxy?.close();
  await backends?.close();
});

describe('HAProxy router, against a running HAProxy', () => {
  it('reads the config weights as percentages of their sum, and names its target', async () => {
    expect(router.provider).toBe('haproxy');
    expect(router.target).toBe('HAProxy at admin.sock (backend app)');
    expect(await router.read()).toEqual({ ok: true, value: { canary: 25, stable: 75 } });
  });

  it('sets each split, reads it back, and 400 requests split exactly as set', async () => {
    const expected: Array<[number, number, number]> = [[5, 20, 380], [25, 100, 300], [50, 200, 200], [100, 400, 0], [0, 0, 400]];
    for (const [canary, canaryHits, stableHits] of expected) {
      await haproxy.stop();
      await haproxy.start();
      expect(await router.set({ canary, stable: 100 - canary })).toEqual({ ok: true, value: undefined });
      expect(await router.read()).toEqual({ ok: true, value: { canary, stable: 100 - canary } });
      const counts = await countAfterFirstCycle();
      expect(counts, `canary ${canary}%`).toEqual({ ...(canaryHits ? { canary: canaryHits } : {}), ...(stableHits ? { stable: stableHits } : {}) });
    }
  });

  it('reaches the TCP stats socket the same way', async () => {
    const tcp = haproxyRouter(spec({ socket: null, address: haproxy.statsAddress }), '/nonexistent');
    expect(tcp.target).toBe(`HAProxy at ${haproxy.statsAddress} (backend app)`);
    expect(await tcp.set({ canary: 10, stable: 90 })).toEqual({ ok: true, value: undefined });
    expect(await router.read()).toEqual({ ok: true, value: { canary: 10, stable: 90 } });
  });

  it('a half percent is written doubled (5 and 195) and still splits exactly; a finer one is refused', async () => {
    await haproxy.stop();
    await haproxy.start();
    expect(await router.set({ canary: 2.5, stable: 97.5 })).toEqual({ ok: true, value: undefined });
    expect(await router.read()).toEqual({ ok: true, value: { canary: 2.5, stable: 97.5 } });
    expect(await countAfterFirstCycle()).toEqual({ canary: 10, stable: 390 });
    expect(haproxyWeights({ canary: 2.5, stable: 97.5 })).toEqual({ canary: 5, stable: 195 });
    expect(await haproxyCommand(haproxy.socket, 'get weight app/stable')).toBe('195 (initial 3)\n\n');
    const r = await router.set({ canary: 33.3, stable: 66.7 });
    expect(r).toEqual({ ok: false, error: 'HAProxy at admin.sock (backend app): HAProxy weights are whole numbers up to 256, so canary 33.3% cannot be set exactly; use a traffic of whole or half percents' });
  });

  it('a wrong server or backend name is named, with what to check', async () => {
    const wrongServer = haproxyRouter(spec({ canary: 'canary-v2' }), haproxy.dir);
    const readWrong = await wrongServer.read();
    expect(readWrong).toEqual({ ok: false, error: 'HAProxy at admin.sock (backend app) has no server `canary-v2` in backend `app`: check `routing.haproxy.stable` and `canary` (and `backend`) against haproxy.cfg' });
    expect(await wrongServer.set({ canary: 5, stable: 95 })).toEqual(readWrong);
    const wrongBackend = haproxyRouter(spec({ backend: 'web' }), haproxy.dir);
    expect(await wrongBackend.read()).toEqual({ ok: false, error: 'HAProxy at admin.sock (backend web) has no backend `web`: check `routing.haproxy.backend` against the backends in haproxy.cfg' });
  });

  it('a stats socket below level admin reads but cannot set, and says why', async () => {
    const user = haproxyRouter(spec({ socket: haproxy.userSocket }), '/');
    expect((await user.read()).ok).toBe(true);
    const r = await user.set({ canary: 5, stable: 95 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`HAProxy at ${haproxy.userSocket} (backend app) denied \`set weight app/stable 95\`: the stats socket is not at level admin; give its line \`level admin\` (\`stats socket ${haproxy.userSocket} level admin\`)`);
  });

  it('both weights at 0 (set by hand) is an error, not a split', async () => {
    await haproxyCommand(haproxy.socket, 'set weight app/stable 0');
    await haproxyCommand(haproxy.socket, 'set weight app/canary 0');
    expect(await router.read()).toEqual({ ok: false, error: 'HAProxy at admin.sock (backend app): both servers have weight 0 (`stable` and `canary`), so the backend sends no request anywhere' });
    expect(await router.set({ canary: 50, stable: 50 })).toEqual({ ok: true, value: undefined });
  });

  it('killed and restarted, it reads the config weights again, and set heals it', async () => {
    expect(await router.set({ canary: 5, stable: 95 })).toEqual({ ok: true, value: undefined });
    await haproxy.kill();
    await haproxy.start();
    expect(await router.read()).toEqual({ ok: true, value: { canary: 25, stable: 75 } });
    expect(await router.set({ canary: 5, stable: 95 })).toEqual({ ok: true, value: undefined });
    expect(await countAfterFirstCycle()).toEqual({ canary: 20, stable: 380 });
  });

  it('a stopped HAProxy, or no socket at all, is a sentence that says what to check', async () => {
    await haproxy.stop();
    try {
      const down = await router.read();
      expect(down.ok).toBe(false);
      if (!down.ok) expect(down.error).toMatch(/^HAProxy at admin\.sock \(backend app\): (connection refused|no such socket); is HAProxy running, and is `stats socket admin\.sock level admin` in its config\?$/);
      const set = await router.set({ canary: 5, stable: 95 });
      expect(set.ok).toBe(false);
      const missing = haproxyRouter(spec({ socket: 'no-such.sock' }), tempDir('haproxy'));
      expect(await missing.read()).toEqual({ ok: false, error: 'HAProxy at no-such.sock (backend app): no such socket; is HAProxy running, and is `stats socket no-such.sock level admin` in its config?' });
      const tcp = haproxyRouter(spec({ socket: null, address: haproxy.statsAddress }), '/');
      expect(await tcp.read()).toEqual({ ok: false, error: `HAProxy at ${haproxy.statsAddress} (backend app): connection refused; is HAProxy running, and is \`stats socket ${haproxy.statsAddress} level admin\` in its config?` });
    } finally {
      await haproxy.start();
    }
  });
});

describe('HAProxy router, against sockets that are not HAProxy', () => {
  /** A unix socket that answers each connection with `reply` (or never, for null). */
  async function fakeSocket(reply: string | null): Promise<{ dir: string; server: Server }> {
    const dir = tempDir('haproxy-fake');
    const server = createServer((c) => {
      c.on('data', () => {
        if (reply !== null) c.end(reply);
      });
      c.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(join(dir, 'admin.sock'), r));
    return { dir, server };
  }

  it('no answer within the timeout is a sentence naming the timeout', async () => {
    const { dir, server } = await fakeSocket(null);
    try {
      expect(await haproxyRouter(spec({ timeoutMs: 200 }), dir).read()).toEqual({ ok: false, error: 'HAProxy at admin.sock (backend app): no answer within 200 ms (`routing.timeout`)' });
    } finally {
      server.close();
    }
  });

  it('an answer it cannot parse is quoted, escaped and cut', async () => {
    const { dir, server } = await fakeSocket(`weight\x1b[31m is ${'x'.repeat(300)}\n`);
    try {
      const r = await haproxyRouter(spec(), dir).read();
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(/^HAProxy at admin\.sock \(backend app\) answered "weight\\u001b\[31m is x+"… to `get weight app\/stable`$/);
        expect(r.error.length).toBeLessThan(250);
      }
    } finally {
      server.close();
    }
  });
});
