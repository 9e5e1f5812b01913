/**
 * Issue 17's acceptance, end to end: the built CLI against a real Prometheus on loopback, loaded
 * from an OpenMetrics fixture with explicit timestamps (test/helpers/prometheus-server.ts), and a
 * real HTTP server answering JSON. Every check runs at a fixed `--now`, so the answers (and the
 * records) are the same on every run.
 *
 * The fixture: `http_requests_total` for job api, one sample a minute. From T0-10m to T0+60m the
 * canary serves 1,000 requests a minute of which 2 fail (0.2%); from T0+60m to T0+100m, 50 fail
 * (5%); after T0+100m the series stop (no data).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgate, rollgateAsync } from '../helpers/cli.js';
import { answer, neverAnswer, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { startPrometheus, type FixtureSeries, type PrometheusServer } from '../helpers/prometheus-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function fixture(): FixtureSeries[] {
  const ok: [number, number][] = [];
  const failed: [number, number][] = [];
  let good = 0;
  let bad = 0;
  for (let m = -10; m <= 100; m++) {
    const failing = m > 60 ? 50 : 2;
    good += 1000 - failing;
    bad += failing;
    ok.push([(T0 + m * MIN) / 1000, good]);
    failed.push([(T0 + m * MIN) / 1000, bad]);
  }
  return [
    { name: 'http_requests_total', labels: { job: 'api', code: '200' }, samples: ok },
    { name: 'http_requests_total', labels: { job: 'api', code: '500' }, samples: failed },
  ];
}

const spec = (address: string, { onError = '', http = '' } = {}) => `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: api }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
metrics:
  error-rate:
    prometheus:
      address: ${address}
      query: sum(rate(http_requests_total{job="{{rollout.name}}",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="{{rollout.name}}"}[5m]))
    timeout: 2s
${http}
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - name: error-rate-below-1pct
        rule: { "<": [ { var: metrics.error-rate.value }, 0.01 ] }
${http ? '      - { name: gateway-streak, rule: { "==": [ { var: metrics.gateway.value }, 0 ] } }' : ''}
  - name: general-availability
    traffic: 100
triggers:
  - name: error-rate-spike
    when: { ">=": [ { var: metrics.error-rate.value }, 0.04 ] }
    consecutive: 2
    action: rollback
${onError}
`;

let prometheus: PrometheusServer;
beforeAll(async () => {
  prometheus = await startPrometheus({ series: fixture() });
}, 60_000);
afterAll(async () => {
  await prometheus?.close();
});

function project(text: string): string {
  const dir = tempDir('metric-gates');
  writeFileSync(join(dir, 'api.yaml'), text);
  return dir;
}

const evaluate = (dir: string, at: number, ...more: string[]) => rollgate(['evaluate', 'api.yaml', '--now', iso(at), ...more], dir);
/** While a server in this process must answer (spawnSync would block it). */
const evaluateAsync = (dir: string, at: number, ...more: string[]) => rollgateAsync(['evaluate', 'api.yaml', '--now', iso(at), ...more], dir);

describe('a canary gated on a Prometheus error rate', () => {
  it('at 0.2% it soaks and promotes; the record shows the query, the instant, the shape and the value', () => {
    const dir = project(spec(prometheus.address));
    for (const m of [0, 10, 20]) expect(evaluate(dir, T0 + m * MIN).code).toBe(0);
    const r = evaluate(dir, T0 + 30 * MIN, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.decision).toBe('promote');
    expect(record.metrics['error-rate']).toMatchObject({
      source: 'prometheus',
      query: 'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))',
      time_unix_ms: T0 + 30 * MIN, shape: 'vector of 1 series', kind: 'scalar', samples: 1, error: null,
    });
    expect(record.metrics['error-rate'].value).toBeCloseTo(0.002, 6);
    const explained = evaluate(dir, T0 + 35 * MIN, '--dry-run', '--explain');
    expect(explained.stdout).toMatch(/metrics\n {2}error-rate: 0\.00[12]\d* \(vector of 1 series\)\n {9}prometheus sum\(rate\(http_requests_total\{job="api",code=~"5\.\."\}\[5m\]\)\) \/ .* at 2026-02-16T09:35:00.000Z/);
  });

  it('at 5% on two consecutive checks it rolls back', () => {
    const dir = project(spec(prometheus.address));
    const first = evaluate(dir, T0 + 65 * MIN);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('gate `error-rate-below-1pct` failed');
    const second = evaluate(dir, T0 + 70 * MIN, '--format', 'json');
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stdout).reasons[0]).toMatch(/^trigger `error-rate-spike` fired \(2nd consecutive check, threshold 2\): metrics\.error-rate\.value = 0\.0(5|49999\d*), expected >= 0\.04; action rollback$/);
  });

  it('where the series is absent it holds with a sentence, and never rolls back, even with onError', () => {
    const dir = project(spec(prometheus.address, { onError: '    onError: { consecutive: 2, action: rollback }' }));
    for (const m of [110, 115, 120, 125]) {
      const r = evaluate(dir, T0 + m * MIN);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain('metric `error-rate` has no data (empty vector); `onNoData: hold` holds until it has, and never rolls back');
    }
  });

  it('with Prometheus stopped it holds with a sentence naming the address; with onError, four unreadable checks in a row roll back', async () => {
    const dir = project(spec(prometheus.address, { onError: '    onError: { consecutive: 4, action: rollback }' }));
    expect(evaluate(dir, T0).code).toBe(0);
    await prometheus.stop();
    try {
      for (const m of [5, 10, 15]) {
        const r = evaluate(dir, T0 + m * MIN);
        expect(r.code, r.stdout).toBe(1);
        expect(r.stdout).toContain(`Prometheus at ${prometheus.address}`);
        expect(r.stdout).toMatch(/refused the connection/);
      }
      const last = evaluate(dir, T0 + 20 * MIN, '--format', 'json');
      expect(last.code).toBe(2);
      expect(JSON.parse(last.stdout).triggers[0]).toMatchObject({ fired: true, action: 'rollback', errors: { streak: 4, consecutive: 4 } });
    } finally {
      await prometheus.start();
    }
    // Without onError the same outage only holds.
    const plain = project(spec(prometheus.address));
    await prometheus.stop();
    try {
      for (const m of [0, 5, 10, 15, 20]) expect(evaluate(plain, T0 + m * MIN).code).toBe(1);
    } finally {
      await prometheus.start();
    }
  });

  it('same spec, same fixture, same --now: the same decision record byte for byte', () => {
    const a = project(spec(prometheus.address));
    const b = project(spec(prometheus.address));
    for (const m of [0, 65]) {
      const ra = evaluate(a, T0 + m * MIN, '--format', 'json');
      const rb = evaluate(b, T0 + m * MIN, '--format', 'json');
      expect(ra.stdout).toBe(rb.stdout);
      const again = evaluate(a, T0 + m * MIN, '--format', 'json', '--dry-run');
      expect(JSON.parse(again.stdout).metrics).toEqual(JSON.parse(ra.stdout).metrics);
    }
  });
});

describe('a live check recorded and replayed', () => {
  it('evaluate --record saves the real answers; simulate replays them offline to the same decisions and values', () => {
    const dir = project(spec(prometheus.address));
    const live = [0, 65, 70].map((m) => {
      const r = evaluate(dir, T0 + m * MIN, '--format', 'json', '--record', 'rec');
      expect(r.stderr).toContain(`recorded what this check read in ${join(dir, 'rec', `${iso(T0 + m * MIN).replace(/:/g, '-')}`)}`);
      return JSON.parse(r.stdout);
    });
    expect(live.map((r) => r.decision)).toEqual(['wait', 'hold', 'rollback']);
    writeFileSync(join(dir, 'replay.yaml'), 'recorded: { dir: rec }\n');
    // Offline: the spec's address now points nowhere, and the replay still judges the real answers.
    writeFileSync(join(dir, 'api.yaml'), spec('http://127.0.0.1:9'));
    const replayed = rollgate(['simulate', 'api.yaml', '--timeline', 'replay.yaml', '--format', 'json'], dir);
    expect(replayed.code, replayed.stderr).toBe(0);
    const records = JSON.parse(replayed.stdout);
    expect(records.map((r: { decision: string }) => r.decision)).toEqual(['wait', 'hold', 'rollback']);
    expect(records.map((r: { metrics: Record<string, { value: number }> }) => r.metrics['error-rate']!.value)).toEqual(live.map((r) => r.metrics['error-rate'].value));
  });
});

describe('a gate on a value from a JSON endpoint', () => {
  let server: TestHttpServer | undefined;
  afterAll(async () => {
    await server?.close();
  });
  const http = (url: string, timeout = '2s') => `  gateway:
    http: { url: "${url}", pointer: /health/failure_streak }
    timeout: ${timeout}`;

  it('reads the value at the pointer and gates on it; a 500, a timeout and a missing pointer each hold with a sentence', async () => {
    let respond = answer(200, { health: { failure_streak: 0 } });
    server = await startHttpServer((req, res) => respond(req, res));
    const url = `${server.url}/dashboard/health`;
    const dir = project(spec(prometheus.address, { http: http(url, '500ms') }));
    const ok = await evaluateAsync(dir, T0, '--format', 'json');
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout).metrics.gateway).toMatchObject({ source: 'http', kind: 'scalar', value: 0, shape: 'JSON number', error: null });

    respond = answer(200, { health: { failure_streak: 2 } });
    expect((await evaluateAsync(dir, T0 + 5 * MIN)).stdout).toContain('gate `gateway-streak` failed');

    respond = answer(500, { error: 'boom' });
    const failed = await evaluateAsync(dir, T0 + 10 * MIN);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/gate `gateway-streak` cannot be evaluated: metric `gateway`: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/dashboard\/health/);

    respond = neverAnswer;
    const slow = await evaluateAsync(dir, T0 + 15 * MIN);
    expect(slow.code).toBe(1);
    expect(slow.stdout).toMatch(/metric `gateway`: .*no answer within 500 ms/);

    respond = answer(200, { health: { queue_depth: 0 } });
    const missing = await evaluateAsync(dir, T0 + 20 * MIN);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/metric `gateway`: .*\/health\/failure_streak.*failure_streak/);
  });
});
