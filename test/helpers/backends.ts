/**
 * The two versions a balancer in the routing tests sends traffic to: tiny node:http servers on
 * free ports of 127.0.0.1 that answer their version's name (`stable`, `canary`) and count the
 * requests they served. `countResponses` is the client side: n sequential requests, one
 * connection each (no keep-alive, so every request is balanced on its own), counted per body.
 */
import { createServer, request, type OutgoingHttpHeaders, type Server } from 'node:http';

const HOST = '127.0.0.1';

export interface Backend {
  /** What it answers: its version's name. */
  name: string;
  /** `127.0.0.1:<port>`, as an HAProxy `server` or nginx `server` line takes it. */
  address: string;
  port: number;
  /** Requests it served since start or the last reset(). */
  readonly hits: number;
  reset(): void;
  close(): Promise<void>;
}

export interface Backends {
  stable: Backend;
  canary: Backend;
  close(): Promise<void>;
}

export async function startBackend(name: string): Promise<Backend> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    hits++;
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    name,
    address: `${HOST}:${port}`,
    port,
    get hits() {
      return hits;
    },
    reset: () => (hits = 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `stable` and `canary`, each on a port of its own. */
export async function startBackends(): Promise<Backends> {
  const [stable, canary] = await Promise.all([startBackend('stable'), startBackend('canary')]);
  return { stable, canary, close: async () => void (await Promise.all([stable.close(), canary.close()])) };
}

/** One GET: status and body, or throws (connection refused, no answer within 5 s). */
export function get(url: string, headers: OutgoingHttpHeaders = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close', ...headers }, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * `n` requests to `url`, one after another, counted by body (`{ stable: 380, canary: 20 }`); a
 * non-200 answer counts as `HTTP <status>`, so a balancer with nowhere to send shows up.
 */
export async function countResponses(url: string, n: number, headers: OutgoingHttpHeaders = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { status, body } = await get(url, headers);
    const key = status === 200 ? body : `HTTP ${status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
