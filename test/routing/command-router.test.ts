/**
 * The command router with a real program (a small node script standing in for a balancer's CLI):
 * `run` gets the split in its arguments and environment, without a shell, in the rollout's root;
 * `read` prints it back as JSON; what a command prints that is not a split, a failure, a
 * timeout, each answer a sentence. And `openRouter`, which picks the router a spec names.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandRouter, parseWeights } from '../../src/routing/command-router.js';
import { openRouter } from '../../src/routing/open-router.js';
import type { RoutingSpec, Spec } from '../../src/spec/types.js';
import { tempDir } from '../helpers/temp-dir.js';

type CommandSpec = Extract<RoutingSpec, { provider: 'command' }>;

const node = process.execPath;

/**
 * `lb.mjs set <canary> <stable>` keeps the split (and what it was called with) in lb.json;
 * `lb.mjs read` prints it as JSON, or what LB_PRINT says to print instead.
 */
const LB = `
import { readFileSync, writeFileSync } from 'node:fs';
const [cmd, canary, stable] = process.argv.slice(2);
if (cmd === 'set') {
  if (process.env.LB_FAIL) { process.stderr.write('one\\ntwo\\nlb-1: connection refused\\n'); process.exit(4); }
  writeFileSync('lb.json', JSON.stringify({ canary: Number(canary), stable: Number(stable), argv: process.argv.slice(2),
    env: { canary: process.env.ROLLGATE_CANARY_WEIGHT, stable: process.env.ROLLGATE_STABLE_WEIGHT, region: process.env.LB_REGION } }));
} else if (cmd === 'read') {
  if (process.env.LB_PRINT !== undefined) process.stdout.write(process.env.LB_PRINT);
  else { const { canary, stable } = JSON.parse(readFileSync('lb.json', 'utf8')); process.stdout.write(JSON.stringify({ canary, stable }) + '\\n'); }
}
`;

function setup(over: Partial<CommandSpec> = {}): { root: string; spec: CommandSpec } {
  const root = tempDir('command-router');
  writeFileSync(join(root, 'lb.mjs'), LB);
  const spec: CommandSpec = {
    provider: 'command',
    run: [node, 'lb.mjs', 'set', '{{canary}}', '{{stable}}'],
    read: [node, 'lb.mjs', 'read'],
    env: { LB_REGION: 'eu-1' },
    timeoutMs: 10_000,
    ...over,
  };
  return { root, spec };
}

describe('command router', () => {
  it('sets through the command and reads the split back', async () => {
    const { root, spec } = setup();
    const router = commandRouter(spec, root);
    expect(router.provider).toBe('command');
    expect(router.target).toBe(`command \`${node} lb.mjs set {{canary}} {{stable}}\``);
    for (const canary of [5, 25, 100, 0, 2.5]) {
      expect(await router.set({ canary, stable: 100 - canary })).toEqual({ ok: true, value: undefined });
      expect(await router.read()).toEqual({ ok: true, value: { canary, stable: 100 - canary } });
    }
  });

  it('passes the split as arguments and ROLLGATE_* variables, with the spec\'s env, without a shell', async () => {
    const { root, spec } = setup({ run: [node, 'lb.mjs', 'set', '{{canary}}', '{{stable}}', 'canary={{canary}}%;$HOME `x`'] });
    expect(await commandRouter(spec, root).set({ canary: 5, stable: 95 })).toEqual({ ok: true, value: undefined });
    const called = JSON.parse(readFileSync(join(root, 'lb.json'), 'utf8'));
    expect(called.argv).toEqual(['set', '5', '95', 'canary=5%;$HOME `x`']);
    expect(called.env).toEqual({ canary: '5', stable: '95', region: 'eu-1' });
  });

  it('without `read`, the split is unknown (null): every check sets it', async () => {
    const { root, spec } = setup({ read: null });
    expect(await commandRouter(spec, root).read()).toEqual({ ok: true, value: null });
  });

  it('a failing `run` says how it ended, with the last lines of its stderr', async () => {
    const { root, spec } = setup({ env: { LB_FAIL: '1' } });
    expect(await commandRouter(spec, root).set({ canary: 5, stable: 95 })).toEqual({
      ok: false,
      error: `command \`${node} lb.mjs set {{canary}} {{stable}}\` (canary 5, stable 95) failed: exited 4: one | two | lb-1: connection refused`,
    });
  });

  it('a `read` that prints something else than a split says what it printed, escaped', async () => {
    const cases: Array<[string, string]> = [
      ['weights: 5/95\x1b[2J', `printed "weights: 5/95\\u001b[2J": that is not JSON; it should print {"canary": <percent>, "stable": <percent>}`],
      ['{"canary": 5, "stable": 90}', 'printed "{\\"canary\\": 5, \\"stable\\": 90}": 5 + 90 is not 100'],
      ['{"canary": "5", "stable": 95}', 'printed "{\\"canary\\": \\"5\\", \\"stable\\": 95}": `canary` and `stable` must both be numbers from 0 to 100'],
      ['[5, 95]', 'printed "[5, 95]": that is not a JSON object {"canary": <percent>, "stable": <percent>}'],
      ['', 'printed "": that is not JSON; it should print {"canary": <percent>, "stable": <percent>}'],
    ];
    for (const [printed, why] of cases) {
      const { root, spec } = setup({ env: { LB_PRINT: printed } });
      expect(await commandRouter(spec, root).read()).toEqual({ ok: false, error: `the read command \`${node} lb.mjs read\` ${why}` });
    }
  });

  it('a long answer is quoted cut; one past 64 KiB is refused', async () => {
    const { root, spec } = setup({ env: { LB_PRINT: 'x'.repeat(500) } });
    const r = await commandRouter(spec, root).read();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`the read command \`${node} lb.mjs read\` printed "${'x'.repeat(120)}"…: that is not JSON; it should print {"canary": <percent>, "stable": <percent>}`);
    const big = setup({ read: [node, '-e', "process.stdout.write('x'.repeat(200000))"] });
    expect(await commandRouter(big.spec, big.root).read()).toEqual({ ok: false, error: `the read command \`${node} -e process.stdout.write('x'.repeat(200000))\` printed more than 65536 bytes; it should print only {"canary": <percent>, "stable": <percent>}` });
  });

  it('a command past its timeout is stopped, and a missing program is named', async () => {
    const slow = setup({ read: [node, '-e', 'setInterval(() => {}, 1000)'], timeoutMs: 300 });
    expect(await commandRouter(slow.spec, slow.root).read()).toEqual({ ok: false, error: `the read command \`${node} -e setInterval(() => {}, 1000)\` failed: timed out after 300 ms and was stopped` });
    const missing = setup({ run: ['./set-weights', '{{canary}}'] });
    expect(await commandRouter(missing.spec, missing.root).set({ canary: 5, stable: 95 })).toEqual({
      ok: false,
      error: 'command `./set-weights {{canary}}` (canary 5, stable 95) failed: could not start ./set-weights: no such program (paths are relative to --root)',
    });
  });

  it('parseWeights takes numbers from 0 to 100 that add up to 100', () => {
    expect(parseWeights('{"canary": 2.5, "stable": 97.5, "note": "ok"}')).toEqual({ canary: 2.5, stable: 97.5 });
    expect(parseWeights('{"canary": -5, "stable": 105}')).toBe('`canary` and `stable` must both be numbers from 0 to 100');
  });
});

describe('openRouter', () => {
  const specWith = (routing: RoutingSpec | null) => ({ name: 'web', routing }) as unknown as Spec;

  it('null without `routing:`, else the router of the provider it names', () => {
    expect(openRouter(specWith(null), '/srv')).toBeNull();
    const haproxy = openRouter(specWith({ provider: 'haproxy', socket: '/run/haproxy/admin.sock', address: null, backend: 'app', stable: 'a', canary: 'b', timeoutMs: 1000 }), '/srv');
    expect([haproxy?.provider, haproxy?.target]).toEqual(['haproxy', 'HAProxy at /run/haproxy/admin.sock (backend app)']);
    const nginx = openRouter(specWith({ provider: 'nginx', include: 'lb/rollgate.conf', upstream: 'app', stable: 'a:1', canary: 'b:1', splitClients: null, test: ['nginx', '-t'], reload: ['nginx', '-s', 'reload'], timeoutMs: 1000 }), '/srv');
    expect([nginx?.provider, nginx?.target]).toEqual(['nginx', 'nginx include lb/rollgate.conf (upstream app)']);
    const command = openRouter(specWith({ provider: 'command', run: ['./lb', '{{canary}}'], read: null, env: {}, timeoutMs: 1000 }), '/srv');
    expect([command?.provider, command?.target]).toEqual(['command', 'command `./lb {{canary}}`']);
  });
});
