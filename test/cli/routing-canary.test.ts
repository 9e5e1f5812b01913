/**
 * Issue 18's acceptance, end to end: `rollgate evaluate --now` with `routing:` against a real
 * HAProxy and a real nginx on loopback, in front of two Node backends answering their version;
 * after each check 400 sequential requests are counted by the version that answered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countResponses, startBackends, type Backends } from '../helpers/backends.js';
import { rollgate } from '../helpers/cli.js';
import { startHaproxy, type HaproxyServer } from '../helpers/haproxy-server.js';
import { startNginx, type NginxServer } from '../helpers/nginx-server.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Requests that reached each version (a version that got none counts 0). */
const split = async (url: string) => {
  const counts = await countResponses(url, 400);
  return { canary: counts.canary ?? 0, stable: counts.stable ?? 0, ...(Object.keys(counts).some((k) => k !== 'canary' && k !== 'stable') ? { other: counts } : {}) };
};

const day = (hhmm: string) => `2026-02-16T${hhmm}:00Z`;

/** A rollout whose gate reads an input the test flips, so each check's decision is the test's to choose. */
const spec = (routing: string) => `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: web }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
inputs:
  verdict: { file: verdict.json }
phases:
  - { name: canary-1, traffic: 5, soak: 10m, gates: [ { name: ok, rule: { "==": [ { var: inputs.verdict.ok }, true ] } } ] }
  - { name: canary-2, traffic: 25, soak: 10m, inherit: true }
  - { name: canary-3, traffic: 50, soak: 10m, inherit: true }
  - { name: general-availability, traffic: 100, inherit: true }
triggers:
  - { name: bad, when: { "==": [ { var: inputs.verdict.bad }, true ] }, action: rollback }
routing:
${routing}
`;

function project(routing: string): string {
  const dir = tempDir('routing-canary');
  writeFileSync(join(dir, 'web.yaml'), spec(routing));
  writeFileSync(join(dir, 'verdict.json'), JSON.stringify({ ok: true, bad: false }));
  return dir;
}

const check = (dir: string, at: string, ...more: string[]) => {
  const r = rollgate(['evaluate', 'web.yaml', '--now', day(at), '--format', 'json', ...more], dir);
  return { ...r, record: r.stdout ? JSON.parse(r.stdout) : null };
};

let backends: Backends;
beforeAll(async () => {
  backends = await startBackends();
});
afterAll(async () => {
  await backends?.close();
});

describe('through HAProxy', () => {
  let haproxy: HaproxyServer;
  beforeAll(async () => {
    // haproxy.cfg starts at the first phase's split, as docs/routing.md advises.
    haproxy = await startHaproxy({ backends, stableWeight: 95, canaryWeight: 5 });
  });
  afterAll(async () => {
    await haproxy?.close();
  });
  const routing = () => `  haproxy: { socket: ${haproxy.socket}, backend: app, stable: stable, canary: canary }`;

  it('5% -> 25% -> 50% -> 100%: 400 requests split 20/380, 100/300, 200/200, 400/0; after a rollback none reach the canary', async () => {
    const dir = project(routing());
    for (const [at, decision, canary] of [['09:00', 'wait', 20], ['09:10', 'promote', 100], ['09:20', 'promote', 200], ['09:30', 'promote', 400], ['09:40', 'complete', 400]] as const) {
      const r = check(dir, at);
      expect(r.record?.decision, r.stderr).toBe(decision);
      expect(r.record.routing).toMatchObject({ provider: 'haproxy', desired: { canary: canary / 4, stable: 100 - canary / 4 }, error: null });
      expect(await split(haproxy.url)).toEqual({ canary, stable: 400 - canary });
    }
    const other = project(routing());
    expect(check(other, '10:00').record.decision).toBe('wait');
    expect(await split(haproxy.url)).toEqual({ canary: 20, stable: 380 });
    writeFileSync(join(other, 'verdict.json'), JSON.stringify({ ok: true, bad: true }));
    const rolled = check(other, '10:05');
    expect(rolled.code).toBe(2);
    expect(rolled.record.routing).toMatchObject({ desired: { canary: 0, stable: 100 }, actual: { canary: 5, stable: 95 }, applied: true });
    expect(await split(haproxy.url)).toEqual({ canary: 0, stable: 400 });
  });

  it('killed and restarted between two checks: the next check sets the phase weight again and says so; while it is down the check holds', async () => {
    const dir = project(routing());
    check(dir, '09:00');
    expect(check(dir, '09:10').record).toMatchObject({ decision: 'promote', phase: { name: 'canary-2' } });
    await haproxy.kill();
    const down = check(dir, '09:12');
    expect(down.code).toBe(1);
    expect(down.record.reasons[0]).toMatch(/^routing: could not set canary 25% \/ stable 75% on HAProxy at .*admin\.sock \(backend app\): .*; so the check holds and the soak starts again$/);
    await haproxy.start();
    const healed = check(dir, '09:14');
    expect(healed.record.notes).toContain(`routing: HAProxy at ${haproxy.socket} (backend app) had canary 5% / stable 95%, not the phase's canary 25% / stable 75%; set it back`);
    expect(healed.record.routing).toMatchObject({ actual: { canary: 5, stable: 95 }, desired: { canary: 25, stable: 75 }, applied: true });
    // Counted after a runtime change, HAProxy's share is exact only over its cycle: read the weights back instead.
    const shown = rollgate(['routing', 'web.yaml', '--format', 'json'], dir);
    expect(JSON.parse(shown.stdout)).toMatchObject({ actual: { canary: 25, stable: 75 }, desired: { canary: 25, stable: 75 }, phase: 'canary-2', error: null });
  });

  it('--dry-run reads and reports and changes nothing; rollgate routing --set is audited and the next check puts the phase back', async () => {
    const dir = project(routing());
    check(dir, '09:00');
    const set = rollgate(['routing', 'web.yaml', '--set', '50', '--reason', 'INC-9 test', '--actor', 'ann'], dir);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('set canary 50% / stable 50% by hand (audited)');
    const dry = check(dir, '09:05', '--dry-run');
    expect(dry.record.routing).toMatchObject({ actual: { canary: 50, stable: 50 }, desired: { canary: 5, stable: 95 }, applied: false });
    expect(JSON.parse(rollgate(['routing', 'web.yaml', '--format', 'json'], dir).stdout).actual).toEqual({ canary: 50, stable: 50 });
    expect(check(dir, '09:06').record.routing).toMatchObject({ applied: true, desired: { canary: 5, stable: 95 } });
    expect(rollgate(['routing', 'web.yaml', '--set', '50'], dir).code).toBe(64);
  });
});

describe('through nginx', () => {
  let nginx: NginxServer;
  beforeAll(async () => {
    nginx = await startNginx({ mode: 'weights', include: `upstream app { server ${backends.stable.address}; }\n` });
  });
  afterAll(async () => {
    await nginx?.close();
  });
  const routing = (canary = backends.canary.address) =>
    `  nginx: { include: ${nginx.include}, upstream: app, stable: "${backends.stable.address}", canary: "${canary}", test: ${JSON.stringify(nginx.testArgv)}, reload: ${JSON.stringify(nginx.reloadArgv)} }`;
  const checkAndReload = async (dir: string, at: string) => {
    const before = nginx.workerPids();
    const r = check(dir, at);
    if (r.record?.routing?.applied) await nginx.waitForReload(before);
    return r;
  };

  it('upstream weights: 400 requests split 20/380, 100/300, 200/200, 400/0; after a rollback none reach the canary', async () => {
    const dir = project(routing());
    for (const [at, decision, canary] of [['09:00', 'wait', 20], ['09:10', 'promote', 100], ['09:20', 'promote', 200], ['09:30', 'promote', 400]] as const) {
      const r = await checkAndReload(dir, at);
      expect(r.record?.decision, r.stderr).toBe(decision);
      expect(await split(nginx.url)).toEqual({ canary, stable: 400 - canary });
    }
    const other = project(routing());
    await checkAndReload(other, '10:00');
    writeFileSync(join(other, 'verdict.json'), JSON.stringify({ ok: true, bad: true }));
    expect((await checkAndReload(other, '10:05')).record.decision).toBe('rollback');
    expect(await split(nginx.url)).toEqual({ canary: 0, stable: 400 });
  });

  it('a broken template: nginx -t fails, the previous file keeps serving, and the check holds with nginx\'s own message', async () => {
    const dir = project(routing());
    await checkAndReload(dir, '09:00');
    expect(await split(nginx.url)).toEqual({ canary: 20, stable: 380 });
    // The spec now names a canary server nginx cannot parse: the file rollgate would write is broken.
    writeFileSync(join(dir, 'web.yaml'), spec(routing('127.0.0.1:notaport')));
    const broken = check(dir, '09:05');
    expect(broken.code).toBe(1);
    expect(broken.record.reasons[0]).toMatch(/^routing: could not set canary 5% \/ stable 95% on nginx include .*: .*(invalid port|host not found|\[emerg\]).*; so the check holds and the soak starts again$/);
    expect(await split(nginx.url)).toEqual({ canary: 20, stable: 380 });
  });
});

describe('sticky sessions with split_clients', () => {
  let nginx: NginxServer;
  beforeAll(async () => {
    nginx = await startNginx({ mode: 'split', include: `upstream app_stable { server ${backends.stable.address}; }\nupstream app_canary { server ${backends.canary.address}; }\nsplit_clients "$cookie_user" $rollgate_upstream { * app_stable; }\n` });
  });
  afterAll(async () => {
    await nginx?.close();
  });

  it('keyed by a cookie: the same cookie always reaches the same version, and some cookies reach the canary', async () => {
    const dir = project(`  nginx: { include: ${nginx.include}, upstream: app, stable: "${backends.stable.address}", canary: "${backends.canary.address}", splitClients: { key: $cookie_user }, test: ${JSON.stringify(nginx.testArgv)}, reload: ${JSON.stringify(nginx.reloadArgv)} }`);
    for (const at of ['09:00', '09:10']) { // wait at 5%, promote to 25%
      const before = nginx.workerPids();
      check(dir, at);
      await nginx.waitForReload(before);
    }
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 40; u++) {
        const counts = await countResponses(nginx.url, 1, { cookie: `user=u${u}` });
        const version = Object.keys(counts)[0]!;
        (seen.get(`u${u}`) ?? seen.set(`u${u}`, new Set()).get(`u${u}`)!).add(version);
      }
    }
    expect([...seen.values()].every((versions) => versions.size === 1)).toBe(true);
    const onCanary = [...seen.values()].filter((v) => v.has('canary')).length;
    expect(onCanary).toBeGreaterThan(0);
    expect(onCanary).toBeLessThan(40);
  });
});
