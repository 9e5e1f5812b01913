/**
 * `rollgate serve`'s HTTP layer (Node's http, no framework): the DESIGN §7 endpoints, the page,
 * bearer-token auth on mutations, capped bodies, loopback Host checks, bounded SSE streams.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { errorLines, textLines } from '../report/escape.js';
import { handleAction } from './actions.js';
import type { Dashboard, Payloads } from './dashboard.js';
import type { HostAllowList } from './host-check.js';
import { HttpError } from './http-error.js';
import { ServerMetrics } from './metrics.js';
import { frame } from './sse-hub.js';

export const MAX_BODY_BYTES = 64 * 1024;
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
/**
 * The page's ES modules (web/app.js is the entry; it imports the others). A fixed list: the
 * request path only ever selects one of these names, it never becomes a file path.
 */
export const WEB_MODULES = [
  'app.js', 'state.js', 'dom.js', 'format.js', 'header.js', 'alerts.js', 'render.js',
  'rollout-card.js', 'history-chart.js', 'live.js', 'token.js', 'actions.js',
] as const;
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(WEB_MODULES.map((file) => [`/${file}`, { file, type: 'text/javascript; charset=utf-8' }])),
};

/** GET endpoints that answer with one cached payload. */
const PAYLOAD_ENDPOINTS: Record<string, keyof Payloads> = {
  '/dashboard/health': 'health',
  '/dashboard/widgets': 'widgets',
  '/dashboard/queue-timeline': 'queueTimeline',
  '/dashboard/alerts': 'alerts',
};
/** Every path answered: the `path` label of rollgate_http_requests_total (anything else is `other`). */
const ENDPOINTS = new Set([...Object.keys(PAGE_FILES), ...Object.keys(PAYLOAD_ENDPOINTS), '/dashboard/stream', '/dashboard/actions', '/metrics']);

export interface ServeOptions {
  token: string;
  root: string;
  store: string;
  /** The Host headers answered, on every endpoint (DNS rebinding). Null: any (tests only). */
  allowedHosts: HostAllowList | null;
}

export function createDashboardServer(dashboard: Dashboard, options: ServeOptions): Server {
  const metrics = new ServerMetrics(ENDPOINTS);
  const server = createServer((req, res) => {
    const path = metrics.pathLabel(req.url);
    res.once('close', () => metrics.count(path, res.headersSent ? String(res.statusCode) : 'none'));
    route(dashboard, options, metrics, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) {
        const [first, ...frames] = errorLines(err);
        process.stderr.write(textLines([`rollgate serve: ${req.method} ${req.url}: ${first}`, ...frames]));
      }
      if (!res.headersSent) sendJson(res, status, { schema_version: 1, error: err instanceof HttpError ? err.message : 'internal error; see the server log' });
      else res.destroy();
    });
  });
  // Slowloris guard: a request must arrive whole within this time.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}

async function route(dashboard: Dashboard, options: ServeOptions, metrics: ServerMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (options.allowedHosts && !options.allowedHosts.allows(req.headers.host)) {
    req.resume();
    throw new HttpError(421, `this server answers to ${options.allowedHosts.describe()}, not ${req.headers.host ? JSON.stringify(req.headers.host.slice(0, 200)) : 'a request without Host'} (start it with --allowed-host <name> for another name)`);
  }
  const method = req.method ?? 'GET';
  const page = PAGE_FILES[url.pathname];
  if (page) {
    allow(method, ['GET', 'HEAD']);
    const body = readFileSync(WEB_DIR + page.file);
    res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-cache', 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  const payload = PAYLOAD_ENDPOINTS[url.pathname];
  if (payload) {
    allow(method, ['GET']);
    return sendJson(res, 200, dashboard.current[payload]);
  }
  switch (url.pathname) {
    case '/dashboard/stream': {
      allow(method, ['GET']);
      const resuming = req.headers['last-event-id'] !== undefined;
      // A client that resumes may have missed anything: reset, then the whole picture.
      const first = [...(resuming ? [frame('dashboard.reset', dashboard.sequence, { schema_version: 1, reason: 'reconnected; a full snapshot follows' })] : []), frame('dashboard.snapshot', dashboard.sequence, dashboard.snapshot())];
      if (!dashboard.hub.open(res, first)) throw new HttpError(503, 'too many open streams; try again later');
      return;
    }
    case '/metrics': {
      // Read like the JSON payloads (no token; the Host check above): the dashboard's last build, no file read.
      allow(method, ['GET']);
      const { contentType, body } = await metrics.render({ widgets: dashboard.current.widgets, nowMs: dashboard.clock(), sseClients: dashboard.hub.size, rebuilds: dashboard.sequence });
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' });
      res.end(body);
      return;
    }
    case '/dashboard/actions': {
      allow(method, ['POST']);
      authorize(req, options.token);
      const body = await readJsonBody(req);
      const answer = await handleAction(dashboard, body, options);
      return sendJson(res, 200, answer);
    }
    default:
      throw new HttpError(404, `no such endpoint: ${url.pathname} (see GET ${[...Object.keys(PAYLOAD_ENDPOINTS), '/dashboard/stream', '/metrics'].join(', ')}, POST /dashboard/actions)`);
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new HttpError(405, `${method} is not allowed here; use ${methods.join(' or ')}`);
}

function authorize(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
  // Digests of equal length: the comparison takes the same time whatever the given token's length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  if (!timingSafeEqual(a, b) || given === '') throw new HttpError(401, 'a valid `Authorization: Bearer <token>` header is required (the token is in the file given to --token-file, or printed at start-up)');
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw new HttpError(413, `the body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new HttpError(413, `the body is over the ${MAX_BODY_BYTES}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the body is not JSON (${(err as Error).message}); send {"action":"pause","rollout":"name","reason":"why"}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff' });
  res.end(text);
}
