/**
 * GET /metrics over real HTTP on 127.0.0.1, on the producer's sample state: the values the
 * dashboard shows, the server's request and stream counts, and text that Prometheus's own
 * `promtool check metrics` accepts without a lint problem (Debian's prometheus package).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/runner/run-check.js';
import { Dashboard } from '../../src/server/dashboard.js';
import { createDashboardServer } from '../../src/server/http-server.js';
import { renderMetrics, type MetricsSource } from '../../src/server/metrics.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { post, SAMPLE_NOW, serveSamples, TOKEN, type Served } from './helpers.js';

const PROMTOOL = process.env.ROLLGATE_PROMTOOL ?? '/usr/bin/promtool';

let s: Served;
beforeAll(async () => {
  if (!existsSync(PROMTOOL)) throw new Error(`no promtool at ${PROMTOOL}: install Debian's prometheus package (apt-get install -y prometheus), or set ROLLGATE_PROMTOOL`);
  s = await serveSamples();
});
afterAll(() => s.close());

/** `promtool check metrics` on the text: its exit code and everything it said. */
function promtool(text: string): { code: number | null; said: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  return { code: r.status, said: `${r.stdout}${r.stderr}`.trim() };
}

interface Sample { name: string; labels: Record<string, string>; value: number }

/** The samples of a text exposition (label values unescaped as the format says). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/s.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The one sample of `name` whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]?.value;
}

async function scrape(base = s.base): Promise<{ text: string; samples: Sample[]; type: string | null }> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parse(text), type: res.headers.get('content-type') };
}

describe('GET /metrics', () => {
  it('the sample rollouts: phase index and traffic, the status as a state set, gates, triggers, surface ages; promtool finds nothing', async () => {
    const { text, samples, type } = await scrape();
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const rollout of ['custom-command', 'dashboard']) {
      expect(value(samples, 'rollgate_rollout_up', { rollout })).toBe(1);
      expect(value(samples, 'rollgate_rollout_phase_index', { rollout })).toBe(0);
      expect(value(samples, 'rollgate_rollout_traffic_percent', { rollout })).toBe(5);
      expect(value(samples, 'rollgate_rollout_checks', { rollout })).toBe(0);
      // A state set: every status, exactly one of them 1.
      const statuses = samples.filter((x) => x.name === 'rollgate_rollout_status' && x.labels.rollout === rollout);
      expect(Object.fromEntries(statuses.map((x) => [x.labels.status, x.value]))).toEqual({ progressing: 0, paused: 0, rolled_back: 0, complete: 0, not_started: 1 });
      expect(value(samples, 'rollgate_rollout_next_decision', { rollout, decision: 'wait' })).toBe(1);
      expect(value(samples, 'rollgate_decisions', { rollout, decision: 'wait' })).toBe(0);
    }
    expect(value(samples, 'rollgate_gate_result', { rollout: 'custom-command', gate: 'queue-depth', phase: 'canary-1', surface: 'custom-command', result: 'pass' })).toBe(1);
    expect(value(samples, 'rollgate_gate_result', { rollout: 'custom-command', gate: 'queue-depth', phase: 'canary-1', surface: 'custom-command', result: 'fail' })).toBe(0);
    expect(value(samples, 'rollgate_trigger_streak', { rollout: 'custom-command', trigger: 'health-regression', surface: 'custom-command' })).toBe(0);
    // The dashboard's clock is fixed at SAMPLE_NOW: the age is the one the dashboard shows (age_ms 59 995).
    expect(value(samples, 'rollgate_surface_age_seconds', { rollout: 'custom-command', surface: 'custom-command' })).toBe(59.995);
    // No routing: in the samples, no split to report.
    expect(samples.some((x) => x.name.startsWith('rollgate_rollout_traffic_desired'))).toBe(false);
    expect(value(samples, 'rollgate_dashboard_rebuilds_total')).toBeGreaterThanOrEqual(1);
    // Not the default process metrics, nor anything outside rollgate_.
    expect(samples.filter((x) => !x.name.startsWith('rollgate_'))).toEqual([]);
    // Every family has HELP and TYPE.
    const families = new Set(samples.map((x) => x.name));
    for (const name of families) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`^# TYPE ${name.replace(/_total$/, '(_total)?')} (gauge|counter)$`, 'm'));
    }
    expect(promtool(text)).toEqual({ code: 0, said: '' });
  });

  it('counts requests by endpoint and status (unknown paths as `other`), and is a GET like the JSON payloads', async () => {
    const before = (await scrape()).samples;
    const n = (samples: Sample[], path: string, status: string) => value(samples, 'rollgate_http_requests_total', { path, status }) ?? 0;
    for (let i = 0; i < 3; i++) expect((await fetch(`${s.base}/dashboard/health`)).status).toBe(200);
    expect((await fetch(`${s.base}/no/such/${'x'.repeat(50)}`)).status).toBe(404);
    expect((await fetch(`${s.base}/metrics`, { method: 'POST' })).status).toBe(405);
    const after = (await scrape()).samples;
    expect(n(after, '/dashboard/health', '200') - n(before, '/dashboard/health', '200')).toBe(3);
    expect(n(after, 'other', '404') - n(before, 'other', '404')).toBe(1);
    expect(n(after, '/metrics', '405') - n(before, '/metrics', '405')).toBe(1);
    // The scrape before this one was counted when it ended.
    expect(n(after, '/metrics', '200') - n(before, '/metrics', '200')).toBe(1);
    // A request path never becomes a label.
    expect(after.some((x) => x.labels.path?.includes('no/such'))).toBe(false);
  });

  it('rollgate_sse_clients: 1 with one stream open, 0 once it closed', async () => {
    expect(value((await scrape()).samples, 'rollgate_sse_clients')).toBe(0);
    const controller = new AbortController();
    const res = await fetch(`${s.base}/dashboard/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(value((await scrape()).samples, 'rollgate_sse_clients')).toBe(1);
    controller.abort();
    await expect.poll(async () => value((await scrape()).samples, 'rollgate_sse_clients')).toBe(0);
    await expect.poll(async () => value((await scrape()).samples, 'rollgate_http_requests_total', { path: '/dashboard/stream', status: '200' })).toBe(1);
  });

  it('after a real check and a pause from the page: progressing, then paused; the journal count and decisions follow', async () => {
    const spec = s.dashboard.spec('dashboard')!;
    await runCheck(spec, { root: s.root, store: s.store, nowMs: SAMPLE_NOW, dryRun: false });
    await s.dashboard.rebuild();
    let { samples } = await scrape();
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'dashboard', status: 'progressing' })).toBe(1);
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'dashboard', status: 'not_started' })).toBe(0);
    expect(value(samples, 'rollgate_rollout_checks', { rollout: 'dashboard' })).toBe(1);
    expect(value(samples, 'rollgate_decisions', { rollout: 'dashboard', decision: 'wait' })).toBe(1);
    expect(value(samples, 'rollgate_rollout_gate', { rollout: 'dashboard', state: 'pass' })).toBe(1);

    expect((await post(s.base, JSON.stringify({ action: 'pause', rollout: 'dashboard', reason: 'metrics test', actor: 'mia' }))).status).toBe(200);
    ({ samples } = await scrape());
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'dashboard', status: 'paused' })).toBe(1);
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'dashboard', status: 'progressing' })).toBe(0);
    expect(value(samples, 'rollgate_rollout_gate', { rollout: 'dashboard', state: 'hold' })).toBe(1);
    expect(value(samples, 'rollgate_rollout_checks', { rollout: 'dashboard' })).toBe(2);
    // The other rollout did not move.
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'custom-command', status: 'not_started' })).toBe(1);
    expect(promtool((await scrape()).text).code).toBe(0);
    expect((await post(s.base, JSON.stringify({ action: 'resume', rollout: 'dashboard', reason: 'done', actor: 'mia' }))).status).toBe(200);
  });

  it('the dashboard actor: dashboard:<name> in the audit line; an empty, too long or control-character name is refused with a sentence', async () => {
    const audit = () => readFileSync(join(s.store, 'custom-command/actions-audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: string });
    expect((await post(s.base, JSON.stringify({ action: 'refresh', rollout: 'custom-command', actor: '  Zoë O\'Brien  ' }))).status).toBe(200);
    expect(audit().at(-1)!.actor).toBe("dashboard:Zoë O'Brien");
    for (const [actor, said] of [['', /the name is empty/], ['   ', /the name is empty/], ['x'.repeat(101), /over 100 characters/], ['eve\nroot', /control/], ['eve\u202e', /control/], [42, /must be a string/]] as const) {
      const r = await post(s.base, JSON.stringify({ action: 'pause', rollout: 'custom-command', reason: 'x', actor }));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(said);
    }
    // Nothing refused was applied.
    expect(value((await scrape()).samples, 'rollgate_rollout_status', { rollout: 'custom-command', status: 'not_started' })).toBe(1);
  });

  it('with routing: desired and actual traffic by side, from the preview the dashboard built', async () => {
    const root = tempDir('metrics-routing');
    writeFileSync(join(root, 'set.sh'), '#!/bin/sh\nprintf \'{"canary": %s, "stable": %s}\' "$1" "$2" > weights.json\n');
    writeFileSync(join(root, 'get.sh'), '#!/bin/sh\ncat weights.json\n');
    chmodSync(join(root, 'set.sh'), 0o755);
    chmodSync(join(root, 'get.sh'), 0o755);
    writeFileSync(join(root, 'weights.json'), '{"canary": 50, "stable": 50}');
    mkdirSync(join(root, 'web'));
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(root, 'web'), { recursive: true });
    const spec = loadSpecText(`apiVersion: rollgate/v1
kind: Rollout
metadata: { name: web }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
phases:
  - { name: canary-1, traffic: 5, soak: 10m, gates: [ { name: present, each: surfaces, rule: { "==": [ { var: surface.present }, true ] } } ] }
  - { name: general-availability, traffic: 100 }
routing:
  command: { run: [ ./set.sh, "{{canary}}", "{{stable}}" ], read: [ ./get.sh ] }
`, 'web.yaml').spec!;
    const store = join(root, '.rollgate');
    const dashboard = new Dashboard([spec], { root, store, now: () => SAMPLE_NOW });
    await dashboard.rebuild();
    const server = createDashboardServer(dashboard, { token: TOKEN, root, store, allowedHosts: null });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { text, samples } = await scrape(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect(value(samples, 'rollgate_rollout_traffic_desired_percent', { rollout: 'web', side: 'canary' })).toBe(5);
      expect(value(samples, 'rollgate_rollout_traffic_desired_percent', { rollout: 'web', side: 'stable' })).toBe(95);
      expect(value(samples, 'rollgate_rollout_traffic_actual_percent', { rollout: 'web', side: 'canary' })).toBe(50);
      expect(value(samples, 'rollgate_rollout_traffic_actual_percent', { rollout: 'web', side: 'stable' })).toBe(50);
      expect(value(samples, 'rollgate_gate_result', { rollout: 'web', gate: 'present', surface: 'web', result: 'pass' })).toBe(1);
      expect(promtool(text)).toEqual({ code: 0, said: '' });
      // A scrape reads nothing and runs nothing: the balancer's file is as it was.
      expect(readFileSync(join(root, 'weights.json'), 'utf8')).toBe('{"canary": 50, "stable": 50}');
    } finally {
      dashboard.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('label values with quotes, backslashes and newlines (which spec names cannot have) are escaped: promtool still passes', async () => {
    // Every label value of a scrape is a spec name (the schema allows [A-Za-z0-9_.-]), a fixed
    // word or an endpoint; this feeds the same code odd values anyway, bypassing the schema.
    const odd = 'a"b\\c\nd\re}{,=';
    const widgets = JSON.parse(JSON.stringify(s.dashboard.current.widgets)) as MetricsSource['widgets'];
    const r = widgets.rollouts[0]!;
    r.rollout = odd;
    r.gates[0]!.name = odd;
    r.gates[0]!.phase = odd;
    r.gates[0]!.surface = odd;
    r.triggers[0]!.name = odd;
    r.surfaces[0]!.name = odd;
    const text = await renderMetrics({ widgets, nowMs: SAMPLE_NOW, sseClients: 0, rebuilds: 1, requests: new Map([[odd, new Map([[odd, 2]])]]) });
    expect(promtool(text)).toEqual({ code: 0, said: '' });
    const samples = parse(text);
    // \r is not escaped by the format (only \\, \" and \n are): it stays, inside the quotes.
    expect(value(samples, 'rollgate_rollout_phase_index', { rollout: odd })).toBe(0);
    expect(value(samples, 'rollgate_gate_result', { rollout: odd, gate: odd, phase: odd, surface: odd, result: r.gates[0]!.result })).toBe(1);
    expect(value(samples, 'rollgate_http_requests_total', { path: odd, status: odd })).toBe(2);
  });

  it('a rollout never read whole, or whose store cannot be read, has rollgate_rollout_up 0 and no made-up state', async () => {
    const widgets = JSON.parse(JSON.stringify(s.dashboard.current.widgets)) as MetricsSource['widgets'];
    widgets.rollouts[0]!.last_good_unix_ms = null;
    widgets.rollouts[0]!.refresh_error = 'cannot read';
    widgets.rollouts[1]!.error = 'rollout.json is corrupt';
    const samples = parse(await renderMetrics({ widgets, nowMs: SAMPLE_NOW, sseClients: 0, rebuilds: 1, requests: new Map() }));
    expect(value(samples, 'rollgate_rollout_up', { rollout: 'custom-command' })).toBe(0);
    expect(value(samples, 'rollgate_rollout_up', { rollout: 'dashboard' })).toBe(0);
    expect(value(samples, 'rollgate_rollout_data_age_seconds', { rollout: 'custom-command' })).toBeUndefined();
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'custom-command', status: 'not_started' })).toBeUndefined();
    expect(value(samples, 'rollgate_rollout_status', { rollout: 'dashboard', status: 'not_started' })).toBeUndefined();
  });
});

describe('prom-client loads lazily', () => {
  const bundle = join(ROOT, 'dist/bundle/rollgate.cjs');

  it('is not in the CLI bundle, and the built `rollgate serve` loads it at the first scrape only', async () => {
    expect(existsSync(bundle), 'run `npm run build` first').toBe(true);
    // prom-client's own code (its registry's label escaping) is not bundled: it is required at run time.
    const source = readFileSync(bundle, 'utf8');
    expect(source).not.toContain('escapeLabelValue');
    expect(source).toContain('"prom-client"');

    // A preload that says when prom-client is required, in a real `rollgate serve`.
    const dir = tempDir('metrics-lazy');
    writeFileSync(join(dir, 'watch.cjs'), `const M = require('node:module'); const load = M._load;
M._load = function (request, ...rest) { if (request === 'prom-client') process.stderr.write('PROM-CLIENT LOADED\\n'); return load.call(this, request, ...rest); };\n`);
    const env = { ...process.env, NODE_OPTIONS: `--require ${join(dir, 'watch.cjs')}` };
    const validate = spawnSync(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'validate', 'specs/dashboard.yaml'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(validate.status).toBe(0);
    expect(validate.stderr).not.toContain('PROM-CLIENT LOADED');

    const root = tempDir('metrics-lazy-root');
    const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'serve', 'specs/dashboard.yaml', '--port', '0', '--root', root], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
          if (m && err.includes('actions need')) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      expect((await fetch(`${base}/dashboard/health`)).status).toBe(200);
      expect(err).not.toContain('PROM-CLIENT LOADED');
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(err).toContain('PROM-CLIENT LOADED');
      expect(promtool(text)).toEqual({ code: 0, said: '' });
      // Loaded once, not at every scrape.
      await fetch(`${base}/metrics`);
      expect(err.split('PROM-CLIENT LOADED').length - 1).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
