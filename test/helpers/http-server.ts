/**
 * A real node http server on 127.0.0.1 for the metric source tests: answers with `handler`,
 * remembers every request (path and headers, to assert what reached the server), and closes
 * with its connections (a handler that never answers must not keep close() waiting).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startHttpServer(handler: Handler): Promise<TestHttpServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering `status` with `body` as JSON text (a string is sent as it is). */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

/** Reads the request, then never answers: a timeout that cannot depend on the machine's load. */
export const neverAnswer: Handler = (req) => {
  req.resume();
};
