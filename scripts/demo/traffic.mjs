#!/usr/bin/env node
// A real canary: HAProxy on loopback in front of two tiny HTTP servers that answer their version,
// a rollout with `routing.haproxy` walked through its phases with `rollgate evaluate --now`, and
// after each check 400 sequential requests counted by the version that answered (5% is exactly 20
// with round-robin). Then a second rollout that rolls back: no request reaches the canary.
//   node scripts/demo/traffic.mjs [--required]
// Without HAProxy it says what to install and exits 0 (1 with --required: `npm run demo:traffic`).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HAPROXY = '/usr/sbin/haproxy';
const DEMO = 'traffic';
const REQUESTS = 400;
const SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: traffic-demo }
surfaces:
  app: { stateDir: .tau/app, kind: custom-command, staleAfter: 15m }
phases:
  - { name: canary-1, traffic: 5, soak: 10m, gates: [ { name: healthy, rule: { "==": [ { var: surfaces.app.rollout_gate }, pass ] } } ] }
  - { name: canary-2, traffic: 25, soak: 10m, inherit: true }
  - { name: canary-3, traffic: 50, soak: 10m, inherit: true }
  - { name: general-availability, traffic: 100, inherit: true }
triggers:
  - { name: failure-streak, when: { ">=": [ { var: surfaces.app.health.failure_streak }, 2 ] }, action: rollback }
routing:
  haproxy: { socket: haproxy/admin.sock, backend: app, stable: stable, canary: canary }
`;
const say = (line) => process.stdout.write(`[demo:${DEMO}] ${line}\n`);
let total = 0;
let failed = 0;
const expect = (ok, line) => {
  total++;
  if (!ok) failed++;
  say(ok ? line : `${line}   <-- FAILED`);
};

if (!existsSync(HAPROXY)) {
  say(`skipped: HAProxy is not installed (apt-get install -y --no-install-recommends haproxy); \`npm run demo:traffic\` runs this demo once it is`);
  process.exit(process.argv.includes('--required') ? 1 : 0);
}

const scratch = join(REPO, '.rollgate-demo', DEMO);
rmSync(scratch, { recursive: true, force: true });
mkdirSync(join(scratch, 'haproxy'), { recursive: true });
say(`scratch folder: .rollgate-demo/${DEMO}`);

const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
const backend = (version) => createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(version));
const backends = [backend('stable'), backend('canary')];
const [stablePort, canaryPort] = await Promise.all(backends.map(listen));
// A free port for HAProxy's frontend: take one, let it go, give it to HAProxy.
const probe = createServer();
const frontPort = await listen(probe);
await new Promise((ok) => probe.close(ok));

const socket = join(scratch, 'haproxy', 'admin.sock');
writeFileSync(join(scratch, 'haproxy', 'haproxy.cfg'), `global
  nbthread 1
  stats socket ${socket} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend web
  bind 127.0.0.1:${frontPort}
  default_backend app
backend app
  # Round robin gives exact shares; the config starts at the first phase's split, since right
  # after a runtime weight change HAProxy may be a request off within its first cycle.
  balance roundrobin
  server stable 127.0.0.1:${stablePort} weight 95
  server canary 127.0.0.1:${canaryPort} weight 5
`);
const haproxy = spawn(HAPROXY, ['-db', '-f', join(scratch, 'haproxy', 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
let haproxyErr = '';
haproxy.stderr.on('data', (d) => (haproxyErr += d));
const stopAll = () => {
  haproxy.kill('SIGKILL');
  for (const b of backends) b.close();
};
process.on('exit', () => haproxy.kill('SIGKILL'));

try {
  await waitFor(() => existsSync(socket), 'HAProxy to open its stats socket');
  writeFileSync(join(scratch, 'traffic-demo.yaml'), SPEC);
  cpSync(join(REPO, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(scratch, '.tau/app'), { recursive: true });

  say('-- a healthy rollout: canary-1 5% -> canary-2 25% -> canary-3 50% -> general-availability 100%');
  for (const [at, decision, canary] of [['09:00', 'wait', 20], ['09:10', 'promote', 100], ['09:20', 'promote', 200], ['09:30', 'promote', 400], ['09:40', 'complete', 400]]) {
    await step('.rollgate', `2026-02-16T${at}:00Z`, decision, canary);
  }
  say('-- a rollout that rolls back: a failure streak of 2 in canary-1');
  await step('.rollgate-b', '2026-02-16T10:00:00Z', 'wait', 20);
  await step('.rollgate-b', '2026-02-16T10:05:00Z', 'rollback', 0, 'failure_streak:2,last_cycle_failed:1');
} finally {
  stopAll();
}
say(`summary: total=${total} passed=${total - failed} failed=${failed}`);
process.exit(failed === 0 ? 0 : 1);

/** One runtime cycle and one check at `iso`, then REQUESTS requests counted by version. */
async function step(store, iso, want, canaryWant, health = '') {
  spawnSync(process.execPath, [join(REPO, 'scripts/demo/tau-cycle.mjs'), join(scratch, '.tau/app'), iso, 'command_runs_recorded', health], { stdio: 'ignore' });
  const r = spawnSync(process.execPath, [join(REPO, 'bin/rollgate.js'), 'evaluate', join(scratch, 'traffic-demo.yaml'), '--root', scratch, '--store', join(scratch, store), '--now', iso, '--format', 'json'], { encoding: 'utf8' });
  let record = null;
  try {
    record = JSON.parse(r.stdout);
  } catch {
    expect(false, `${iso} evaluate printed no record (exit ${r.status}): ${r.stderr.trim()}`);
    return;
  }
  const counts = await count(REQUESTS);
  const phase = `${record.phase.name} (${record.phase.traffic}%)`;
  const routing = record.routing ? `routing ${record.routing.applied ? 'set' : 'kept'} canary ${record.routing.desired.canary}%` : 'no routing';
  expect(record.decision === want && counts.canary === canaryWant && counts.stable === REQUESTS - canaryWant,
    `${iso} ${record.decision.padEnd(8)} ${phase.padEnd(28)} ${routing.padEnd(24)} ${REQUESTS} requests: canary ${counts.canary}, stable ${counts.stable}`);
}

function count(n) {
  return new Promise((done, fail) => {
    const counts = { canary: 0, stable: 0, other: 0 };
    const next = (i) => {
      if (i === n) return done(counts);
      get({ host: '127.0.0.1', port: frontPort, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => {
          counts[body === 'canary' || body === 'stable' ? body : 'other']++;
          next(i + 1);
        });
      }).on('error', fail);
    };
    next(0);
  });
}

async function waitFor(ready, what) {
  for (let i = 0; i < 200; i++) {
    if (ready()) return;
    if (haproxy.exitCode !== null) throw new Error(`HAProxy exited (${haproxy.exitCode}): ${haproxyErr.trim()}`);
    await new Promise((ok) => setTimeout(ok, 25));
  }
  throw new Error(`timed out waiting for ${what}: ${haproxyErr.trim()}`);
}
