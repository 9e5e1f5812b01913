/**
 * `webhook` hooks in process, against a real HTTP server on 127.0.0.1: the decision record is
 * POSTed as JSON with the spec's headers; anything but 2xx, a redirect, a refused connection or
 * no answer in time is a failure that says which.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/hooks/post-webhook.js';
import { runHooks } from '../../src/hooks/run-hooks.js';
import { RECORD } from '../report/fixture-record.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((done) => s.close(done));
  }
});

/** A server that records each request and answers it with `answer` (or never, when it does nothing). */
async function server(answer: (res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const s = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(res);
    });
  });
  servers.push(s);
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hooks/rollgate`, received };
}
const status = (code: number, headers: Record<string, string> = {}) => (res: ServerResponse) => res.writeHead(code, headers).end('body');
const opts = (timeoutMs = 30_000, headers: Record<string, string> = {}) => ({ headers, timeoutMs });

describe('postWebhook', () => {
  it('POSTs the body as JSON with rollgate headers and the spec headers; a 2xx is success', async () => {
    const hook = await server(status(202));
    const outcome = await postWebhook(hook.url, RECORD, opts(30_000, { authorization: 'Bearer s3cret', 'x-team': 'release' }));
    expect(outcome).toEqual({ ok: true, message: 'HTTP 202' });
    expect(hook.received).toHaveLength(1);
    const [req] = hook.received;
    expect(req).toMatchObject({ method: 'POST', url: '/hooks/rollgate' });
    expect(req!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'rollgate', authorization: 'Bearer s3cret', 'x-team': 'release' });
    expect(JSON.parse(req!.body)).toEqual(RECORD);
  });

  it('a non-2xx answer is a failure with its status', async () => {
    expect(await postWebhook((await server(status(503))).url, RECORD, opts())).toEqual({ ok: false, message: 'HTTP 503 Service Unavailable' });
    expect(await postWebhook((await server(status(404))).url, RECORD, opts())).toEqual({ ok: false, message: 'HTTP 404 Not Found' });
  });

  it('a redirect is not followed: it is a failure, and nothing else is called', async () => {
    const hook = await server(status(302, { location: '/elsewhere' }));
    expect(await postWebhook(hook.url, RECORD, opts())).toEqual({ ok: false, message: 'HTTP 302 Found' });
    expect(hook.received.map((r) => r.url)).toEqual(['/hooks/rollgate']);
  });

  it('a server that does not answer in time is a failure once the timeout has passed', async () => {
    const hook = await server(() => {}); // reads the request, never answers
    const started = Date.now();
    expect(await postWebhook(hook.url, RECORD, opts(300))).toEqual({ ok: false, message: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a refused connection is a failure that names the error', async () => {
    const hook = await server(status(200));
    const s = servers.pop()!;
    await new Promise((done) => s.close(done)); // nothing listens on that port any more
    expect(await postWebhook(hook.url, RECORD, opts())).toEqual({ ok: false, message: 'request failed: ECONNREFUSED' });
  });
});

describe('runHooks with a webhook', () => {
  it('posts the decision record and reports the hook by its URL', async () => {
    const hook = await server(status(200));
    const run = await runHooks('rollback', [{ kind: 'webhook', url: hook.url, headers: {}, timeoutMs: 30_000 }], RECORD, { cwd: '/', recordPath: '/unused' });
    expect(run).toEqual({ ok: true, results: [{ event: 'rollback', hook: hook.url, ok: true, message: 'HTTP 200' }] });
    expect(JSON.parse(hook.received[0]!.body)).toMatchObject({ rollout: 'custom-command', decision: 'rollback', check: 7 });
  });
});
