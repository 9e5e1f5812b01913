/**
 * The Prometheus metric source against a real Prometheus (Debian's, loaded from an OpenMetrics
 * fixture with fixed timestamps, so an instant query at T answers the same on every run), and
 * real node http servers for what Prometheus itself cannot show (the headers it was sent, an
 * error body, a server that never answers).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricObservation, Observations } from '../../src/engine/observations.js';
import type { RolloutState } from '../../src/engine/state.js';
import { metricQueries } from '../../src/observe/metrics/metric-queries.js';
import { observeRollout } from '../../src/observe/observe-rollout.js';
import type { MetricSpec, Spec } from '../../src/spec/types.js';
import { answer, neverAnswer, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { inPhase, promMetric, specWith } from '../helpers/metric-spec.js';
import { freePort } from '../helpers/postgres-server.js';
import { startExporter, startPrometheus, type FixtureSeries, type PrometheusServer } from '../helpers/prometheus-server.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The fixture's instant: 2026-02-16T09:00:00Z, in seconds and as a check's now. */
const T = 1_771_232_400;
const NOW = T * 1000;

const FIXTURE: FixtureSeries[] = [
  { name: 'queue_depth', labels: { job: 'web' }, samples: [[T - 60, 5], [T, 7]] },
  // +120 a minute for five minutes: rate() over [5m] at T is 2 per second.
  { name: 'http_requests_total', labels: { job: 'web', code: '200' }, samples: [0, 1, 2, 3, 4, 5].map((k) => [T - 300 + 60 * k, 1000 + 120 * k] as const) },
  { name: 'pod_queue', labels: { pod: 'a' }, samples: [[T, 3]] },
  { name: 'pod_queue', labels: { pod: 'b' }, samples: [[T, 9]] },
  { name: 'pod_queue', labels: { pod: 'c' }, samples: [[T, 5]] },
  { name: 'pod_queue', labels: { pod: 'd' }, samples: [[T, 1]] },
  { name: 'pod_ratio', labels: { pod: 'a' }, samples: [[T, 0.5]] },
  { name: 'pod_ratio', labels: { pod: 'b' }, samples: [[T, 'NaN']] },
  { name: 'weird_ratio', labels: { job: 'web' }, samples: [[T, 'NaN']] },
  { name: 'huge', labels: { job: 'web' }, samples: [[T, '+Inf']] },
  { name: 'errors', labels: { rollout: 'web', phase: 'canary' }, samples: [[T, 1]] },
  { name: 'errors', labels: { rollout: 'web', phase: 'general-availability' }, samples: [[T, 4]] },
  { name: 'errors', labels: { rollout: 'api', phase: 'canary' }, samples: [[T, 9]] },
  { name: 'odd', labels: { note: 'one\nline\u202e "quoted"' }, samples: [[T, 1]] },
  { name: 'odd', labels: { note: 'two' }, samples: [[T, 2]] },
];

let prom: PrometheusServer;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  prom = await startPrometheus({ series: FIXTURE });
  servers.push(prom);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function observe(spec: Spec, opts: { nowMs?: number; state?: RolloutState | null; root?: string } = {}): Promise<Record<string, MetricObservation>> {
  const into: Observations = { surfaces: {}, inputs: {} };
  await metricQueries.observe({ spec, state: opts.state ?? null, root: opts.root ?? '/nonexistent', nowMs: opts.nowMs ?? NOW, inputFiles: {} }, into);
  return into.metrics ?? {};
}

/** One metric's observation. */
async function one(metric: MetricSpec, opts?: Parameters<typeof observe>[1]): Promise<MetricObservation> {
  const got = await observe(specWith([metric]), opts);
  return got[metric.name]!;
}

const query = (q: string, more?: Parameters<typeof promMetric>[3]) => one(promMetric('m', prom.address, q, more));

function errorOf(o: MetricObservation): string {
  if (o.ok) throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return o.error;
}

/** A server in front of the real Prometheus: records what it was sent, strips `prefix`, forwards. */
async function proxy(prefix = ''): Promise<TestHttpServer> {
  const target = new URL(prom.address);
  const server = await startHttpServer((req, res) => {
    const path = (req.url ?? '/').slice(prefix.length);
    const upstream = request({ host: target.hostname, port: target.port, path, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  servers.push(server);
  return server;
}

describe('a Prometheus metric at a fixed instant', () => {
  it('a scalar expression is its value', async () => {
    expect(await query('2 + 3')).toEqual({ ok: true, source: 'prometheus', query: '2 + 3', time_unix_ms: NOW, shape: 'scalar', kind: 'scalar', value: 5, samples: 1 });
  });

  it('a one-series vector is the sample at the check\'s instant, exactly as in the fixture', async () => {
    expect(await query('queue_depth')).toMatchObject({ ok: true, shape: 'vector of 1 series', kind: 'scalar', value: 7, samples: 1 });
    // `time=` is the check's now, not the wall clock: a minute earlier, the earlier sample.
    expect(await one(promMetric('m', prom.address, 'queue_depth'), { nowMs: NOW - 60_000 })).toMatchObject({ value: 5, time_unix_ms: NOW - 60_000 });
    // An hour earlier there is nothing within the 5m lookback: no data.
    expect(await one(promMetric('m', prom.address, 'queue_depth'), { nowMs: NOW - 3_600_000 })).toMatchObject({ ok: true, kind: 'empty', value: null });
  });

  it('rate() over the fixture\'s counter', async () => {
    const o = await query('rate(http_requests_total{job="web"}[5m])');
    expect(o).toMatchObject({ ok: true, kind: 'scalar', shape: 'vector of 1 series' });
    expect(o.ok && (o.value as number)).toBeCloseTo(2, 9);
  });

  it('an absent series is no data: an empty vector', async () => {
    expect(await query('no_such_metric{job="web"}')).toEqual({ ok: true, source: 'prometheus', query: 'no_such_metric{job="web"}', time_unix_ms: NOW, shape: 'empty vector', kind: 'empty', value: null, samples: 0 });
  });

  it('NaN, as a scalar or as a sample, is kind nan with no value', async () => {
    expect(await query('0/0')).toMatchObject({ ok: true, shape: 'scalar', kind: 'nan', value: null, samples: 1 });
    expect(await query('weird_ratio')).toMatchObject({ ok: true, shape: 'vector of 1 series', kind: 'nan', value: null, samples: 1 });
  });

  it('+Inf and -Inf are kind inf with no value', async () => {
    expect(await query('1/0')).toMatchObject({ ok: true, kind: 'inf', value: null });
    expect(await query('-1/0')).toMatchObject({ ok: true, kind: 'inf', value: null });
    expect(await query('huge')).toMatchObject({ ok: true, kind: 'inf', value: null, shape: 'vector of 1 series' });
  });
});

describe('several series', () => {
  it('without `reduce` is an error naming a few of them and saying what to write', async () => {
    const error = errorOf(await query('pod_queue'));
    expect(error).toContain(`Prometheus at ${prom.address}: the query returned 4 series`);
    expect(error).toContain('pod_queue{pod="a"}, pod_queue{pod="b"}, pod_queue{pod="c"}, and 1 more');
    expect(error).toContain('say how to reduce them with `reduce: sum|min|max|avg`');
  });

  it('label values in that error are escaped: no raw line break or bidi override reaches a record', async () => {
    const error = errorOf(await query('odd'));
    expect(error).toContain('odd{note="one\\nline\\u{202e} \\"quoted\\""}');
    expect(error).not.toMatch(/[\n\u202e]/);
  });

  it('with `reduce` is one value, and the shape says how it was made', async () => {
    const reduced = async (reduce: 'sum' | 'min' | 'max' | 'avg') => query('pod_queue', { reduce });
    expect(await reduced('max')).toMatchObject({ ok: true, shape: 'vector of 4 series reduced by max', kind: 'scalar', value: 9, samples: 4 });
    expect(await reduced('min')).toMatchObject({ value: 1, samples: 4 });
    expect(await reduced('sum')).toMatchObject({ value: 18 });
    expect(await reduced('avg')).toMatchObject({ value: 4.5 });
  });

  it('NaN among the reduced series makes the result NaN, whatever the reduction', async () => {
    for (const reduce of ['sum', 'min', 'max', 'avg'] as const) {
      expect(await query('pod_ratio', { reduce })).toMatchObject({ ok: true, kind: 'nan', value: null, samples: 2, shape: `vector of 2 series reduced by ${reduce}` });
    }
  });

  it('one series with `reduce` is just that series', async () => {
    expect(await query('queue_depth', { reduce: 'sum' })).toMatchObject({ shape: 'vector of 1 series', value: 7 });
  });
});

describe('answers that are not one value', () => {
  it('a PromQL syntax error (HTTP 400) says Prometheus refused it, with the errorType and its message', async () => {
    const o = await query('sum((');
    expect(o).toMatchObject({ ok: false, source: 'prometheus', query: 'sum((', time_unix_ms: NOW });
    expect(errorOf(o)).toMatch(new RegExp(`^Prometheus at ${prom.address} refused the query: bad_data: .*parse error.* \\(HTTP 400\\)$`));
  });

  it('a range vector (matrix) is the wrong shape: use an instant vector', async () => {
    expect(errorOf(await query('queue_depth[5m]'))).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ answered a range vector \(matrix\).*use an instant vector expression/);
  });

  it('a string is the wrong shape', async () => {
    expect(errorOf(await query('"text"'))).toMatch(/answered a string for the query; a metric needs a number/);
  });

  it('a template is rendered with the rollout and the phase it is in before the check; `query` shows the rendered PromQL', async () => {
    const metric = promMetric('errors', prom.address, 'sum(errors{rollout="{{rollout.name}}", phase="{{ phase.name }}"}) * {{phase.traffic}} + {{phase.index}}');
    const spec = specWith([metric]);
    // No state yet: the first phase.
    expect((await observe(spec)).errors).toMatchObject({ ok: true, value: 1 * 10 + 0, query: 'sum(errors{rollout="web", phase="canary"}) * 10 + 0' });
    expect((await observe(spec, { state: inPhase('general-availability', 1) })).errors).toMatchObject({ ok: true, value: 4 * 100 + 1, query: 'sum(errors{rollout="web", phase="general-availability"}) * 100 + 1' });
    // A remembered phase the spec no longer has: the first phase (the engine reports the missing phase).
    expect((await observe(spec, { state: inPhase('gone', 7) })).errors).toMatchObject({ value: 10 });
    expect((await observe(specWith([metric], 'api'))).errors).toMatchObject({ value: 9 * 10 });
  });

  it('every declared metric is asked, and each answer stands alone', async () => {
    const closed = await freePort();
    const got = await observe(specWith([promMetric('depth', prom.address, 'queue_depth'), promMetric('down', `http://127.0.0.1:${closed}`, 'up'), promMetric('bad', prom.address, 'sum((')]));
    expect(Object.keys(got)).toEqual(['depth', 'down', 'bad']);
    expect(got.depth).toMatchObject({ ok: true, value: 7 });
    expect(got.down).toMatchObject({ ok: false });
    expect(got.bad).toMatchObject({ ok: false });
  });

  it('a spec without metrics adds nothing, synchronously', () => {
    const into: Observations = { surfaces: {}, inputs: {} };
    expect(metricQueries.observe({ spec: specWith([]), state: null, root: '/', nowMs: NOW, inputFiles: {} }, into)).toBeUndefined();
    expect(into.metrics).toBeUndefined();
  });

  it('observeRollout asks the metrics by default', async () => {
    const obs = await observeRollout(specWith([promMetric('depth', prom.address, 'queue_depth')]), null, { root: '/nonexistent', nowMs: NOW });
    expect(obs.metrics?.depth).toMatchObject({ ok: true, value: 7 });
  });
});

describe('sample values are read strictly', () => {
  /** A Prometheus-compatible server answering one sample with `value` (as a scalar or a vector). */
  async function answering(value: string, resultType: 'scalar' | 'vector' = 'vector'): Promise<MetricObservation> {
    const result = resultType === 'scalar' ? [T, value] : [{ metric: { job: 'web' }, value: [T, value] }];
    const fake = await startHttpServer(answer(200, { status: 'success', data: { resultType, result } }));
    servers.push(fake);
    return one(promMetric('m', fake.url, 'up'));
  }

  it('decimals and exponents (as Thanos or VictoriaMetrics may write them) are numbers', async () => {
    expect(await answering('1e3')).toMatchObject({ ok: true, kind: 'scalar', value: 1000 });
    expect(await answering('-2.5E-1', 'scalar')).toMatchObject({ ok: true, kind: 'scalar', value: -0.25 });
    expect(await answering('-0')).toMatchObject({ ok: true, value: 0 });
    expect(await answering('Inf')).toMatchObject({ ok: true, kind: 'inf', value: null });
  });

  it('anything else is not a sample: hex, an empty string, words, white space', async () => {
    for (const odd of ['0x1A', '', 'inf', 'nan', ' 1', '1,5', 'Infinity']) {
      expect(errorOf(await answering(odd))).toMatch(/answered a vector whose series 1 is not a \{metric, value: \[time, "value"\]\} sample$/);
    }
    expect(errorOf(await answering('12abc', 'scalar'))).toMatch(/answered a scalar that is not a \[time, "value"\] pair$/);
  });

  it('an unknown result type is named, escaped', async () => {
    const fake = await startHttpServer(answer(200, { status: 'success', data: { resultType: 'histogram\u001b[31m', result: [] } }));
    servers.push(fake);
    expect(errorOf(await one(promMetric('m', fake.url, 'up')))).toBe(`Prometheus at ${fake.url} answered an unknown result type "histogram\\x1b[31m"; expected a vector or a scalar`);
  });
});

describe('a Prometheus that cannot answer', () => {
  it('a closed port: connection refused, naming the address', async () => {
    const port = await freePort();
    expect(errorOf(await one(promMetric('m', `http://127.0.0.1:${port}`, 'up')))).toBe(
      `Prometheus at http://127.0.0.1:${port} refused the connection (ECONNREFUSED): nothing listens on 127.0.0.1:${port}; is the server running, and on that port?`,
    );
  });

  it('stopped, then started again: an error while it is down, the same answer after', async () => {
    const own = await startPrometheus({ series: FIXTURE.slice(0, 1) });
    servers.push(own);
    const metric = promMetric('m', own.address, 'queue_depth');
    expect(await one(metric)).toMatchObject({ ok: true, value: 7 });
    await own.stop();
    expect(errorOf(await one(metric))).toContain(`Prometheus at ${own.address} refused the connection (ECONNREFUSED)`);
    await own.start();
    expect(await one(metric)).toMatchObject({ ok: true, value: 7 });
  }, 60_000);

  it('a server that never answers: no answer within the metric\'s timeout', async () => {
    const silent = await startHttpServer(neverAnswer);
    servers.push(silent);
    const o = await one(promMetric('m', silent.url, 'up', { timeoutMs: 200 }));
    expect(errorOf(o)).toBe(`Prometheus at ${silent.url} gave no answer within 200 ms (connected, but no response came)`);
    expect(silent.requests).toHaveLength(1);
  });

  it('HTTP 503 that is not a Prometheus error body', async () => {
    const down = await startHttpServer(answer(503, '<html>maintenance</html>', { 'content-type': 'text/html' }));
    servers.push(down);
    expect(errorOf(await one(promMetric('m', down.url, 'up')))).toBe(`HTTP 503 from Prometheus at ${down.url}`);
  });

  it('a 200 that is not JSON, or JSON that is not a query answer', async () => {
    const html = await startHttpServer(answer(200, '<html>login</html>'));
    const other = await startHttpServer(answer(200, { hello: 'world' }));
    servers.push(html, other);
    expect(errorOf(await one(promMetric('m', html.url, 'up')))).toMatch(new RegExp(`^Prometheus at ${html.url} answered HTTP 200 with a body that is not JSON \\(.*\\); is the address a Prometheus HTTP API\\?$`));
    expect(errorOf(await one(promMetric('m', other.url, 'up')))).toMatch(/answered JSON that is not a Prometheus query answer/);
  });

  it('an execution error (HTTP 422) is reported with its errorType', async () => {
    const failing = await startHttpServer(answer(422, { status: 'error', errorType: 'execution', error: 'query processing would load too many samples' }));
    servers.push(failing);
    expect(errorOf(await one(promMetric('m', failing.url, 'up')))).toBe(`Prometheus at ${failing.url} could not answer the query: execution: query processing would load too many samples (HTTP 422)`);
  });
});

describe('requests and credentials', () => {
  const ENV = 'ROLLGATE_TEST_PROM_TOKEN';
  const TOKEN = 'tok-env-7f3a9c1e';
  const FILE_TOKEN = 'tok-file-2b8d4e6f';

  it('the URL: the address\'s path prefix (trailing slash or not), /api/v1/query, the PromQL and `time=` in seconds with milliseconds', async () => {
    const front = await proxy('/prom');
    for (const address of [`${front.url}/prom`, `${front.url}/prom/`]) {
      expect(await one(promMetric('m', address, 'queue_depth{job="web"}'))).toMatchObject({ ok: true, value: 7 });
    }
    expect(front.requests.map((r) => r.url)).toEqual([
      `/prom/api/v1/query?query=${encodeURIComponent('queue_depth{job="web"}').replace(/%20/g, '+')}&time=1771232400.000`,
      `/prom/api/v1/query?query=${encodeURIComponent('queue_depth{job="web"}').replace(/%20/g, '+')}&time=1771232400.000`,
    ]);
    expect(front.requests[0]).toMatchObject({ method: 'GET', headers: { connection: 'close' } });
  });

  it('a bearer token from an environment variable and a header from a file reach the server; neither appears in any observation', async () => {
    const front = await proxy();
    const root = tempDir('prom-secrets');
    writeFileSync(join(root, 'tenant.txt'), `${FILE_TOKEN}\n`);
    process.env[ENV] = TOKEN;
    try {
      const metric = promMetric('m', front.url, 'queue_depth', { bearerToken: { env: ENV }, headers: { 'X-Scope-OrgID': { file: 'tenant.txt' } } });
      const o = await one(metric, { root });
      expect(o).toMatchObject({ ok: true, value: 7 });
      expect(front.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-scope-orgid': FILE_TOKEN });
      expect(JSON.stringify(o)).not.toContain('tok-');
    } finally {
      delete process.env[ENV];
    }
  });

  it('a bearer token from a file (one trailing newline dropped) reaches the server', async () => {
    const front = await proxy();
    const root = tempDir('prom-secrets');
    writeFileSync(join(root, 'token'), `${FILE_TOKEN}\r\n`);
    expect(await one(promMetric('m', front.url, 'queue_depth', { bearerToken: { file: 'token' } }), { root })).toMatchObject({ ok: true, value: 7 });
    expect(front.requests[0]!.headers.authorization).toBe(`Bearer ${FILE_TOKEN}`);
  });

  it('a server echoing the token in its error: the token is scrubbed from the sentence', async () => {
    const echo = await startHttpServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'unauthorized', error: `token rejected: ${req.headers.authorization}` }));
    });
    servers.push(echo);
    process.env[ENV] = TOKEN;
    try {
      const error = errorOf(await one(promMetric('m', echo.url, 'up', { bearerToken: { env: ENV } })));
      expect(error).toBe(`Prometheus at ${echo.url} could not answer the query: unauthorized: token rejected: Bearer *** (HTTP 401)`);
    } finally {
      delete process.env[ENV];
    }
  });

  it('a missing environment variable or secret file: not asked, naming the variable or file, never a value', async () => {
    const front = await proxy();
    const root = tempDir('prom-secrets');
    delete process.env.ROLLGATE_TEST_UNSET;
    expect(errorOf(await one(promMetric('m', front.url, 'up', { bearerToken: { env: 'ROLLGATE_TEST_UNSET' } }), { root }))).toBe(
      `Prometheus at ${front.url} is not asked: its bearer token cannot be read: environment variable ROLLGATE_TEST_UNSET is not set`,
    );
    expect(errorOf(await one(promMetric('m', front.url, 'up', { headers: { 'X-Scope-OrgID': { file: 'nope.txt' } } }), { root }))).toBe(
      `Prometheus at ${front.url} is not asked: its header X-Scope-OrgID cannot be read: secret file nope.txt does not exist`,
    );
    expect(front.requests).toHaveLength(0);
  });

  it('a FIFO in a secret file\'s place is refused without blocking', async () => {
    const root = tempDir('prom-secrets');
    execFileSync('mkfifo', [join(root, 'token')]);
    expect(errorOf(await one(promMetric('m', prom.address, 'up', { bearerToken: { file: 'token' } }), { root }))).toBe(
      `Prometheus at ${prom.address} is not asked: its bearer token cannot be read: secret file token is a FIFO (named pipe), not a regular file`,
    );
  });

  it('userinfo in the address is masked in every sentence', async () => {
    const port = await freePort();
    const o = await one(promMetric('m', `http://alice:s3cr%40t@127.0.0.1:${port}/prefix`, 'up'));
    expect(errorOf(o)).toContain(`Prometheus at http://***:***@127.0.0.1:${port}/prefix refused the connection`);
    expect(JSON.stringify(o)).not.toMatch(/alice|s3cr/);
    // …and it is still sent (as basic auth) when the server is there.
    const front = await proxy();
    const url = new URL(front.url);
    url.username = 'alice';
    url.password = 's3cr@t';
    expect(await one(promMetric('m', url.toString(), 'queue_depth'))).toMatchObject({ ok: true, value: 7 });
    expect(front.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
  });
});

describe('a live Prometheus scraping an exporter', () => {
  it('a scraped gauge is read at the check\'s now, and a new value after the next scrapes', async () => {
    const exporter = await startExporter('# TYPE app_queue_depth gauge\napp_queue_depth 7\n');
    servers.push(exporter);
    const live = await startPrometheus({ scrape: [exporter.target], intervalSeconds: 1 });
    servers.push(live);
    const metric = promMetric('depth', live.address, 'app_queue_depth{job="exporter"}');
    // Waits on what happened (a scrape stored), never on a fixed delay.
    const until = async (value: number) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const o = await one(metric, { nowMs: Date.now() });
        if (o.ok && o.value === value) return o;
        if (Date.now() > deadline) throw new Error(`no ${value} within 20 s; last: ${JSON.stringify(o)}, ${exporter.scrapes} scrapes`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    expect(await until(7)).toMatchObject({ ok: true, kind: 'scalar', shape: 'vector of 1 series', samples: 1 });
    exporter.set('# TYPE app_queue_depth gauge\napp_queue_depth 9\n');
    expect(await until(9)).toMatchObject({ ok: true, value: 9 });
    expect(exporter.scrapes).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
