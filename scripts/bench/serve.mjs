// Dashboard responsiveness: GET /dashboard/health on a `rollgate serve` process while 200 SSE
// clients are connected, one client has stopped reading, and a snapshot is broadcast every
// 100 ms; against the same server with no streams and no broadcasts (the baseline).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startServer(dir) {
  const child = spawn(process.execPath, [`${root}bin/rollgate.js`, 'serve', `${root}specs/custom-command.yaml`, `${root}specs/dashboard.yaml`, '--port', '0', '--root', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*#token=([0-9a-f]+)/.exec(err);
      if (m) resolve({ base: m[1], token: m[2], stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`rollgate serve exited ${code}: ${err}`)));
  });
}

async function healthLatencies(base, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/dashboard/health`);
    await res.arrayBuffer();
    out.push(performance.now() - t0);
    await sleep(10);
  }
  return out;
}

export async function serveResponsiveness({ dir: scratch, clients = 200, requests = 200, log }) {
  const dir = mkdtempSync(join(scratch ?? tmpdir(), 'serve-'));
  mkdirSync(join(dir, '.tau'));
  cpSync(`${root}fixtures/tau-samples/runtime-custom-command-healthy`, join(dir, '.tau/custom-command'), { recursive: true });
  cpSync(`${root}fixtures/tau-samples/runtime-dashboard-healthy`, join(dir, '.tau/dashboard'), { recursive: true });
  const server = await startServer(dir);
  try {
    log(`serve: baseline, ${requests} health requests with no streams…`);
    await healthLatencies(server.base, Math.min(20, requests));
    const quiet = await healthLatencies(server.base, requests);

    log(`serve: ${clients} streams, one stalled, a snapshot every 100 ms…`);
    const streams = await Promise.all(Array.from({ length: clients }, async () => {
      const reader = (await fetch(`${server.base}/dashboard/stream`)).body.getReader();
      (async () => { try { for (;;) { if ((await reader.read()).done) return; } } catch { /* closed */ } })();
      return reader;
    }));
    const stalled = connect(Number(new URL(server.base).port), '127.0.0.1');
    stalled.on('error', () => {});
    stalled.write('GET /dashboard/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    let broadcasting = true;
    const broadcaster = (async () => {
      while (broadcasting) {
        await fetch(`${server.base}/dashboard/actions`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{"action":"refresh","rollout":"dashboard"}' }).then((r) => r.arrayBuffer());
        await sleep(100);
      }
    })();
    await sleep(500);
    const busy = await healthLatencies(server.base, requests);
    broadcasting = false;
    await broadcaster;
    stalled.destroy();
    await Promise.all(streams.map((r) => r.cancel().catch(() => {})));
    const q = median(quiet);
    const b = median(busy);
    return {
      figures: { healthMedianQuietMs: q, healthMedianBusyMs: b },
      markdown: [
        '### Dashboard: /dashboard/health under load',
        '',
        `\`rollgate serve\` with two rollouts on the producer's sample state. ${requests} sequential \`GET /dashboard/health\` requests while ${clients} SSE clients are connected, one client has stopped reading, and a snapshot is broadcast every 100 ms (a \`refresh\` action each time): ` +
          `median **${fmt.ms(b)}** (max ${fmt.ms(Math.max(...busy))}); with no streams and no broadcasts: median ${fmt.ms(q)}. Ratio ${fmt.ratio(b / q)} (target: median under 50 ms).`,
      ].join('\n'),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
