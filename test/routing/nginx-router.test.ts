/**
 * The nginx router against a real nginx (test/helpers/nginx-server.ts) in front of two real
 * backends. Weights mode: each split, once tested and reloaded, serves exactly as set (400
 * sequential requests through one worker's weighted round robin). A file nginx refuses (`nginx
 * -t`), or a failed reload, puts the previous file back byte for byte, the old split keeps
 * serving, and the error carries nginx's own message. split_clients mode: a cookie always
 * reaches the same version, and which cookies reach the canary is exactly what nginx's
 * MurmurHash2 of the key says.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxRouter, renderInclude } from '../../src/routing/nginx.js';
import type { Router, Weights } from '../../src/routing/router.js';
import type { RoutingSpec } from '../../src/spec/types.js';
import { countResponses, get, startBackends, type Backends } from '../helpers/backends.js';
import { startNginx, type NginxServer } from '../helpers/nginx-server.js';
import { tempDir } from '../helpers/temp-dir.js';

type NginxSpec = Extract<RoutingSpec, { provider: 'nginx' }>;

const node = process.execPath;
const INCLUDE = 'rollgate-upstream.conf';

let backends: Backends;

beforeAll(async () => {
  backends = await startBackends();
});

afterAll(async () => {
  await backends?.close();
});

function specFor(nginx: NginxServer, over: Partial<NginxSpec> = {}): NginxSpec {
  return {
    provider: 'nginx',
    // Relative to the root (nginx's directory here), like every path of a spec.
    include: INCLUDE,
    upstream: 'app',
    stable: backends.stable.address,
    canary: backends.canary.address,
    splitClients: null,
    test: nginx.testArgv,
    reload: nginx.reloadArgv,
    timeoutMs: 10_000,
    ...over,
  };
}

/** Sets, then waits until nginx's new worker serves (a reload is a SIGHUP: it lands just after). */
async function setAndWait(nginx: NginxServer, router: Router, weights: Weights): Promise<void> {
  const before = nginx.workerPids();
  expect(await router.set(weights)).toEqual({ ok: true, value: undefined });
  await nginx.waitForReload(before);
}

const split = (canary: number): Weights => ({ canary, stable: 100 - canary });

describe('nginx router, weights mode', () => {
  let nginx: NginxServer;
  let router: Router;
  let file: string;

  beforeAll(async () => {
    // A hand-written file to start from: nginx needs the upstream it proxies to.
    nginx = await startNginx({ mode: 'weights', include: `upstream app { server ${backends.stable.address}; }\n` });
    router = nginxRouter(specFor(nginx), nginx.dir, 'web');
    file = join(nginx.dir, INCLUDE);
  });

  afterAll(async () => {
    await nginx?.close();
  });

  it('a file without rollgate\'s marker reads as unknown (null), so the first check sets it', async () => {
    expect(router.provider).toBe('nginx');
    expect(router.target).toBe(`nginx include ${INCLUDE} (upstream app)`);
    expect(await router.read()).toEqual({ ok: true, value: null });
    expect(await countResponses(nginx.url, 10)).toEqual({ stable: 10 });
  });

  it('sets each split, reads it back, and 400 requests split exactly as set', async () => {
    const expected: Array<[number, number, number]> = [[5, 20, 380], [25, 100, 300], [50, 200, 200], [100, 400, 0], [0, 0, 400]];
    for (const [canary, canaryHits, stableHits] of expected) {
      await setAndWait(nginx, router, split(canary));
      expect(await router.read()).toEqual({ ok: true, value: split(canary) });
      const counts = await countResponses(nginx.url, 400);
      expect(counts, `canary ${canary}%`).toEqual({ ...(canaryHits ? { canary: canaryHits } : {}), ...(stableHits ? { stable: stableHits } : {}) });
    }
  });

  it('writes a marker, the weights, and `down` for a side at 0% (nginx refuses weight=0)', async () => {
    const { stable, canary } = backends;
    await setAndWait(nginx, router, split(5));
    expect(readFileSync(file, 'utf8')).toBe([
      '# rollgate routing for rollout web: canary=5 stable=95 (written by rollgate; edits are overwritten)',
      'upstream app {',
      `    server ${stable.address} weight=95;`,
      `    server ${canary.address} weight=5;`,
      '}',
      '',
    ].join('\n'));
    await setAndWait(nginx, router, split(0));
    expect(readFileSync(file, 'utf8')).toContain(`    server ${stable.address} weight=100;\n    server ${canary.address} down;\n`);
    expect(readFileSync(file, 'utf8')).toBe(renderInclude(specFor(nginx), 'web', split(0)));
  });

  it('a share with decimals is written scaled (2.5% as 25 of 1000) and splits exactly', async () => {
    await setAndWait(nginx, router, { canary: 2.5, stable: 97.5 });
    expect(await router.read()).toEqual({ ok: true, value: { canary: 2.5, stable: 97.5 } });
    expect(readFileSync(file, 'utf8')).toContain('weight=975;');
    expect(await countResponses(nginx.url, 400)).toEqual({ canary: 10, stable: 390 });
    expect(await router.set({ canary: 2.555, stable: 97.445 })).toEqual({ ok: false, error: `nginx include ${INCLUDE} (upstream app): canary 2.555% / stable 97.445% cannot be written: nginx takes percentages from 0 to 100 with at most two decimals` });
  });

  it('a file nginx -t refuses is put back as it was, the old split keeps serving, and nginx says why', async () => {
    await setAndWait(nginx, router, split(25));
    const before = readFileSync(file);
    const workers = nginx.workerPids();
    const broken = nginxRouter(specFor(nginx, { canary: '127.0.0.1:99999' }), nginx.dir, 'web');
    const r = await broken.set(split(50));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBe(`nginx include ${INCLUDE} (upstream app): \`${nginx.testArgv.join(' ')}\` failed with the new file: [emerg] invalid port in upstream "127.0.0.1:99999" in ${file}:4 (exited 1); the previous ${INCLUDE} is back in place`);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(nginx.workerPids()).toEqual(workers);
    expect(await countResponses(nginx.url, 400)).toEqual({ canary: 100, stable: 300 });
    expect(await router.read()).toEqual({ ok: true, value: split(25) });
  });

  it('a failed reload puts the previous file back too, and says so', async () => {
    const before = readFileSync(file);
    const missingConf = join(nginx.dir, 'missing.conf');
    const reload = [nginx.reloadArgv[0]!, '-p', nginx.dir, '-c', missingConf, '-s', 'reload'];
    const r = await nginxRouter(specFor(nginx, { reload }), nginx.dir, 'web').set(split(50));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(`the new file passed \`${nginx.testArgv.join(' ')}\` but \`${reload.join(' ')}\` failed: [emerg] open() "${missingConf}" failed (2: No such file or directory) (exited 1)`);
      expect(r.error).toContain(`; the previous ${INCLUDE} is back in place; nginx may not have loaded either file, so check that it is running`);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('with no file before, a failed test removes the new one again', async () => {
    const root = tempDir('nginx-none');
    const test = [node, '-e', "process.stderr.write('nginx: [emerg] unknown directive \"upstreem\" in /x.conf:2\\nnginx: configuration file /x.conf test failed\\n'); process.exit(1)"];
    const r = await nginxRouter(specFor(nginx, { include: 'upstreams.conf', test }), root, 'web').set(split(5));
    expect(r).toEqual({ ok: false, error: `nginx include upstreams.conf (upstream app): \`${test.join(' ')}\` failed with the new file: [emerg] unknown directive "upstreem" in /x.conf:2 (exited 1); upstreams.conf is removed again (there was none before)` });
    expect(existsSync(join(root, 'upstreams.conf'))).toBe(false);
    // A missing file is unknown, not an error: the next check sets it.
    expect(await nginxRouter(specFor(nginx, { include: 'upstreams.conf' }), root, 'web').read()).toEqual({ ok: true, value: null });
  });

  it('a file left "being tested and reloaded", edited by hand, or for another spec reads as unknown', async () => {
    const root = tempDir('nginx-marker');
    const spec = specFor(nginx);
    const at = nginxRouter(spec, root, 'web');
    const path = join(root, INCLUDE);
    writeFileSync(path, renderInclude(spec, 'web', split(5)));
    expect(await at.read()).toEqual({ ok: true, value: split(5) });
    // A rollgate killed between the write and the reload: nginx may still run the old file.
    writeFileSync(path, renderInclude(spec, 'web', split(5), true));
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('# rollgate routing for rollout web: canary=5 stable=95, being tested and reloaded (written by rollgate; edits are overwritten)');
    expect(await at.read()).toEqual({ ok: true, value: null });
    writeFileSync(path, renderInclude(spec, 'web', split(5)).replace('weight=95', 'weight=90'));
    expect(await at.read()).toEqual({ ok: true, value: null });
    writeFileSync(path, renderInclude({ ...spec, canary: '127.0.0.1:1' }, 'web', split(5)));
    expect(await at.read()).toEqual({ ok: true, value: null });
  });

  it('a file another rollout wrote is refused, read and set, and left alone', async () => {
    const root = tempDir('nginx-other');
    const spec = specFor(nginx);
    const path = join(root, INCLUDE);
    writeFileSync(path, renderInclude(spec, 'checkout', split(50)));
    const error = `nginx include ${INCLUDE} (upstream app) was written for rollout \`checkout\`, not \`web\`: give each rollout its own include file (or remove this one if that rollout is gone)`;
    const at = nginxRouter(spec, root, 'web');
    expect(await at.read()).toEqual({ ok: false, error });
    expect(await at.set(split(5))).toEqual({ ok: false, error });
    expect(readFileSync(path, 'utf8')).toBe(renderInclude(spec, 'checkout', split(50)));
  });

  it('an include path that is a directory is an error, not unknown', async () => {
    const root = tempDir('nginx-dir');
    const r = await nginxRouter(specFor(nginx, { include: '.' }), root, 'web').read();
    expect(r).toEqual({ ok: false, error: 'nginx include . (upstream app): . is a directory, not a regular file' });
  });
});

/** nginx's ngx_murmur_hash2 (seed 0) of a key's UTF-8 bytes: what split_clients hashes. */
function murmurHash2(key: string): number {
  const data = Buffer.from(key, 'utf8');
  const m = 0x5bd1e995;
  let h = data.length >>> 0;
  let i = 0;
  for (; data.length - i >= 4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length - i;
  if (rest >= 3) h ^= data[i + 2]! << 16;
  if (rest >= 2) h ^= data[i + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[i]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/** split_clients' rule: the key goes to the first part whose cumulative share of 2^32 - 1 its hash is under. */
const toCanary = (key: string, percent: number) => murmurHash2(key) < Math.floor((Math.round(percent * 100) * 0xffffffff) / 10000);

describe('nginx router, split_clients mode (sticky by cookie)', () => {
  let nginx: NginxServer;
  let router: Router;
  const users = Array.from({ length: 200 }, (_, i) => `u${i}`);

  beforeAll(async () => {
    const { stable, canary } = backends;
    nginx = await startNginx({
      mode: 'split',
      include: `upstream app_stable { server ${stable.address}; }\nupstream app_canary { server ${canary.address}; }\nsplit_clients "$cookie_user" $rollgate_upstream { * app_stable; }\n`,
    });
    router = nginxRouter(specFor(nginx, { splitClients: { key: '$cookie_user', variable: '$rollgate_upstream' } }), nginx.dir, 'web');
  });

  afterAll(async () => {
    await nginx?.close();
  });

  /** The version each user reaches, asking `times` times; throws if one user ever reaches both. */
  async function versions(times: number): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    for (let round = 0; round < times; round++) {
      for (const user of users) {
        const { body } = await get(nginx.url, { cookie: `user=${user}` });
        const before = seen.get(user);
        if (before !== undefined && before !== body) throw new Error(`user ${user} reached ${before}, then ${body}`);
        seen.set(user, body);
      }
    }
    return seen;
  }

  it('renders two upstreams and a split_clients block, and reads it back', async () => {
    await setAndWait(nginx, router, split(25));
    const { stable, canary } = backends;
    expect(readFileSync(join(nginx.dir, INCLUDE), 'utf8')).toBe([
      '# rollgate routing for rollout web: canary=25 stable=75 (written by rollgate; edits are overwritten)',
      'upstream app_stable {',
      `    server ${stable.address};`,
      '}',
      'upstream app_canary {',
      `    server ${canary.address};`,
      '}',
      'split_clients "$cookie_user" $rollgate_upstream {',
      '    25% app_canary;',
      '    * app_stable;',
      '}',
      '',
    ].join('\n'));
    expect(await router.read()).toEqual({ ok: true, value: split(25) });
  });

  it('each cookie always reaches the same version; the canary gets exactly the cookies MurmurHash2 puts under 25%', async () => {
    const seen = await versions(3);
    const canaryUsers = users.filter((u) => seen.get(u) === 'canary');
    expect(canaryUsers).toEqual(users.filter((u) => toCanary(u, 25)));
    // About a quarter: these 200 keys hash 56 under 25% (fixed by the hash, so fixed for this test).
    expect(canaryUsers.length).toBe(56);
  });

  it('raising the share keeps every canary user on the canary (split_clients is monotonic in the share)', async () => {
    const at25 = users.filter((u) => toCanary(u, 25));
    await setAndWait(nginx, router, split(50));
    const seen = await versions(1);
    for (const u of at25) expect(seen.get(u), u).toBe('canary');
    expect(users.filter((u) => seen.get(u) === 'canary')).toEqual(users.filter((u) => toCanary(u, 50)));
  });

  it('0% sends no cookie to the canary, 100% sends every one', async () => {
    await setAndWait(nginx, router, split(0));
    expect(readFileSync(join(nginx.dir, INCLUDE), 'utf8')).toContain('split_clients "$cookie_user" $rollgate_upstream {\n    * app_stable;\n}\n');
    expect(new Set((await versions(1)).values())).toEqual(new Set(['stable']));
    await setAndWait(nginx, router, split(100));
    expect(readFileSync(join(nginx.dir, INCLUDE), 'utf8')).toContain('split_clients "$cookie_user" $rollgate_upstream {\n    * app_canary;\n}\n');
    expect(new Set((await versions(1)).values())).toEqual(new Set(['canary']));
    expect(await router.read()).toEqual({ ok: true, value: split(100) });
  });
});
