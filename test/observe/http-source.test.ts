/**
 * The HTTP JSON metric source against real node http servers on 127.0.0.1: every kind of value
 * a pointer can land on, the answers that are not one, and the limits (timeout, body size).
 */
import { writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricObservation, Observations } from '../../src/engine/observations.js';
import { MAX_BODY_BYTES } from '../../src/observe/metrics/http-get.js';
import { metricQueries } from '../../src/observe/metrics/metric-queries.js';
import type { MetricSpec } from '../../src/spec/types.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { httpMetric, inPhase, specWith } from '../helpers/metric-spec.js';
import { freePort } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = 1_771_232_400_000;

const HEALTH = {
  health: { failure_streak: 2, state: 'healthy', ok: true, last_error: null, counts: [4, 8, 15] },
  'a/b': { '~tilde': 42 },
  '': 'empty key',
};

/** Routes of the one server most tests ask. */
const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/health': (res) => json(res, 200, HEALTH),
  '/broken': (res) => json(res, 500, { error: 'boom' }),
  '/moved': (res) => res.writeHead(302, { location: '/health' }).end(),
  '/not-json': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'),
  '/duplicate': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"streak": 5, "streak": 0}'),
  '/huge-number': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"v": 1e400}'),
  '/bom': (res) => res.writeHead(200).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"v": 3}')])),
  // Over the cap, declared up front.
  '/oversized': (res) => res.writeHead(200, { 'content-length': String(MAX_BODY_BYTES + 1) }).end(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)),
  // Over the cap, chunked (no length): found while reading.
  '/oversized-chunked': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 5; i++) res.write(chunk);
    res.end('1');
  },
  // Headers and the start of a body, then nothing: late however fast the machine is.
  '/slow': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"health": ');
  },
  '/never': () => undefined,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

let server: TestHttpServer;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const route = ROUTES[(req.url ?? '').split('?')[0]!];
    if (route) route(res);
    else json(res, 404, { error: 'no such route' });
  });
});

afterAll(() => server.close());

async function one(metric: MetricSpec, root = '/nonexistent'): Promise<MetricObservation> {
  const into: Observations = { surfaces: {}, inputs: {} };
  await metricQueries.observe({ spec: specWith([metric]), state: null, root, nowMs: NOW, inputFiles: {} }, into);
  return into.metrics![metric.name]!;
}

const at = (pointer: string, path = '/health', more?: Parameters<typeof httpMetric>[3]) => one(httpMetric('m', `${server.url}${path}`, pointer, more));

function errorOf(o: MetricObservation): string {
  if (o.ok) throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return o.error;
}

describe('a value in a JSON answer', () => {
  it('a number is a scalar; `query` is the GET and the pointer', async () => {
    expect(await at('/health/failure_streak')).toEqual({
      ok: true, source: 'http', query: `GET ${server.url}/health /health/failure_streak`, time_unix_ms: NOW, shape: 'JSON number', kind: 'scalar', value: 2, samples: 1,
    });
  });

  it('null is no data', async () => {
    expect(await at('/health/last_error')).toMatchObject({ ok: true, shape: 'JSON null', kind: 'empty', value: null, samples: 0 });
  });

  it('a string and a boolean are judged as they are', async () => {
    expect(await at('/health/state')).toMatchObject({ ok: true, shape: 'JSON string', kind: 'string', value: 'healthy', samples: 1 });
    expect(await at('/health/ok')).toMatchObject({ ok: true, shape: 'JSON boolean', kind: 'boolean', value: true, samples: 1 });
  });

  it('array indices, `~1` for `/` and `~0` for `~` in a member name, the empty member name', async () => {
    expect(await at('/health/counts/2')).toMatchObject({ ok: true, value: 15 });
    expect(await at('/a~1b/~0tilde')).toMatchObject({ ok: true, value: 42 });
    expect(await at('/')).toMatchObject({ ok: true, value: 'empty key' });
  });

  it('an object (or the whole answer) is not a value: the pointer must name one', async () => {
    expect(errorOf(await at('/health'))).toBe(`pointer /health in the answer from ${server.url}/health is an object, not a value; point at a number, string, boolean or null inside it (e.g. /health/<member>)`);
    expect(errorOf(await at('/health/counts'))).toContain('is a list, not a value');
    expect(errorOf(await at(''))).toContain('the whole answer in the answer from');
  });

  it('a missing member says where the walk stopped and what is there', async () => {
    expect(errorOf(await at('/health/failure_streaks'))).toBe(
      `pointer /health/failure_streaks is not in the answer from ${server.url}/health: /health has no \`failure_streaks\` (it has \`failure_streak\`, \`state\`, \`ok\`, \`last_error\`, \`counts\`)`,
    );
    expect(errorOf(await at('/nope'))).toContain(': the answer has no `nope`');
    expect(errorOf(await at('/health/counts/3'))).toContain(': /health/counts has 3 items, no index 3');
    expect(errorOf(await at('/health/counts/first'))).toContain(': /health/counts is a list, and `first` is not an index (0, 1, …)');
    expect(errorOf(await at('/health/state/x'))).toContain(': /health/state is a string, not an object or a list');
    // Object's own properties are not members of the answer.
    expect(errorOf(await at('/health/constructor'))).toContain('/health has no `constructor`');
  });

  it('a template in the URL is rendered; the rendered URL is in `query`', async () => {
    const metric = httpMetric('m', `${server.url}/health?rollout={{rollout.name}}&phase={{phase.name}}&traffic={{phase.traffic}}`, '/health/failure_streak');
    const into: Observations = { surfaces: {}, inputs: {} };
    await metricQueries.observe({ spec: specWith([metric]), state: inPhase('general-availability', 1), root: '/', nowMs: NOW, inputFiles: {} }, into);
    expect(into.metrics!.m).toMatchObject({ ok: true, value: 2, query: `GET ${server.url}/health?rollout=web&phase=general-availability&traffic=100 /health/failure_streak` });
    expect(server.requests.at(-1)!.url).toBe('/health?rollout=web&phase=general-availability&traffic=100');
  });

  it('a BOM before the JSON is dropped', async () => {
    expect(await at('/v', '/bom')).toMatchObject({ ok: true, value: 3 });
  });

  it('a number too large for a double is kind inf', async () => {
    expect(await at('/v', '/huge-number')).toMatchObject({ ok: true, kind: 'inf', value: null });
  });
});

describe('answers that hold no value', () => {
  it('HTTP 500 names the URL', async () => {
    expect(errorOf(await at('/x', '/broken'))).toBe(`HTTP 500 from ${server.url}/broken`);
  });

  it('a redirect is not followed', async () => {
    expect(errorOf(await at('/x', '/moved'))).toBe(`HTTP 302 from ${server.url}/moved: redirects are not followed; give the URL it redirects to`);
    expect(server.requests.filter((r) => r.url === '/moved')).toHaveLength(1);
  });

  it('a body that is not JSON, or JSON with a repeated key', async () => {
    expect(errorOf(await at('/x', '/not-json'))).toMatch(new RegExp(`^the answer from ${server.url}/not-json is not JSON \\(HTTP 200, 20 bytes\\): `));
    expect(errorOf(await at('/streak', '/duplicate'))).toContain('is not JSON (HTTP 200, 26 bytes): duplicate key "streak"');
  });

  it('a body over the size cap, declared or found while reading', async () => {
    const over = `${server.url}/oversized answered more than ${MAX_BODY_BYTES} bytes (HTTP 200), over the limit for one metric answer; query something smaller`;
    expect(errorOf(await at('/x', '/oversized'))).toBe(over);
    expect(errorOf(await at('/x', '/oversized-chunked'))).toBe(over.replace('/oversized ', '/oversized-chunked '));
  });

  it('an answer that starts but never finishes: no answer within the timeout', async () => {
    expect(errorOf(await at('/health', '/slow', { timeoutMs: 200 }))).toBe(`${server.url}/slow gave no answer within 200 ms (the response started but did not finish)`);
  });

  it('a server that never answers', async () => {
    expect(errorOf(await at('/health', '/never', { timeoutMs: 200 }))).toBe(`${server.url}/never gave no answer within 200 ms (connected, but no response came)`);
  });

  it('a closed port', async () => {
    const port = await freePort();
    const o = await one(httpMetric('m', `http://127.0.0.1:${port}/health`, '/x'));
    expect(o).toMatchObject({ ok: false, source: 'http', query: `GET http://127.0.0.1:${port}/health /x`, time_unix_ms: NOW });
    expect(errorOf(o)).toBe(`http://127.0.0.1:${port}/health refused the connection (ECONNREFUSED): nothing listens on 127.0.0.1:${port}; is the server running, and on that port?`);
  });

  it('a host that is not found', async () => {
    // .invalid never resolves (RFC 6761).
    expect(errorOf(await one(httpMetric('m', 'http://metrics.rollgate.invalid/health', '/x')))).toMatch(/^http:\/\/metrics\.rollgate\.invalid\/health cannot be reached: (host metrics\.rollgate\.invalid is not found \(ENOTFOUND\); check the address|the name server did not answer for host metrics\.rollgate\.invalid \(EAI_AGAIN\))$/);
  });
});

describe('credentials', () => {
  it('a bearer token and a header reach the server; the token is in no observation; userinfo is masked in `query`', async () => {
    const root = tempDir('http-secrets');
    writeFileSync(join(root, 'token'), 'tok-file-93c1d7\n');
    process.env.ROLLGATE_TEST_HTTP_KEY = 'key-env-55aa01';
    try {
      const url = new URL(`${server.url}/health`);
      url.username = 'bob';
      url.password = 'hunter2';
      const o = await one(httpMetric('m', url.toString(), '/health/failure_streak', { bearerToken: { file: 'token' }, headers: { 'X-Api-Key': { env: 'ROLLGATE_TEST_HTTP_KEY' } } }), root);
      expect(o).toMatchObject({ ok: true, value: 2, query: `GET http://***:***@127.0.0.1:${server.port}/health /health/failure_streak` });
      expect(server.requests.at(-1)!.headers).toMatchObject({ authorization: 'Bearer tok-file-93c1d7', 'x-api-key': 'key-env-55aa01' });
      expect(JSON.stringify(o)).not.toMatch(/tok-file|key-env|bob|hunter2/);
    } finally {
      delete process.env.ROLLGATE_TEST_HTTP_KEY;
    }
  });

  it('a user name alone (often a token) is masked too', async () => {
    const port = await freePort();
    const o = await one(httpMetric('m', `http://tok-in-url-8e1f@127.0.0.1:${port}/health`, '/x'));
    expect(o).toMatchObject({ ok: false, query: `GET http://***@127.0.0.1:${port}/health /x` });
    expect(errorOf(o)).toMatch(new RegExp(`^http://\\*\\*\\*@127\\.0\\.0\\.1:${port}/health refused the connection`));
    expect(JSON.stringify(o)).not.toContain('tok-in-url');
  });

  it('a secret file that is empty, or holds a second line, is refused before asking', async () => {
    const root = tempDir('http-secrets');
    writeFileSync(join(root, 'empty'), '\n');
    writeFileSync(join(root, 'two-lines'), 'abc\ndef\n');
    const before = server.requests.length;
    expect(errorOf(await one(httpMetric('m', `${server.url}/health`, '/x', { bearerToken: { file: 'empty' } }), root))).toBe(
      `${server.url}/health is not asked: its bearer token cannot be read: secret file empty is empty`,
    );
    expect(errorOf(await one(httpMetric('m', `${server.url}/health`, '/x', { bearerToken: { file: 'two-lines' } }), root))).toContain(
      'secret file two-lines holds a line break or a control character, which a header value cannot carry',
    );
    expect(server.requests.length).toBe(before);
  });
});

describe('the whole source', () => {
  it('several metrics are asked together: one that times out leaves the others\' answers', async () => {
    const spec = specWith([
      httpMetric('slow', `${server.url}/never`, '/x', { timeoutMs: 300 }),
      httpMetric('streak', `${server.url}/health`, '/health/failure_streak'),
      httpMetric('state', `${server.url}/health`, '/health/state'),
    ]);
    const into: Observations = { surfaces: {}, inputs: {} };
    await metricQueries.observe({ spec, state: null, root: '/', nowMs: NOW, inputFiles: {} }, into);
    expect(into.metrics).toMatchObject({ slow: { ok: false }, streak: { ok: true, value: 2 }, state: { ok: true, value: 'healthy' } });
    expect(Object.keys(into.metrics!)).toEqual(['slow', 'streak', 'state']);
  });
});
