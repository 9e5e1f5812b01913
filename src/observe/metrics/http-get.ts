/**
 * One bounded GET for a metric: the whole request (connect, headers, body) within the metric's
 * timeout, a capped body, no redirect followed, no keep-alive (`agent: false`, so a CLI exits as
 * soon as it is done). Never throws: a failure is a sentence about `subject` (`Prometheus at
 * <masked address>`), with every secret scrubbed from whatever the network stack said.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { scrub } from './mask.js';

/** Far more than any instant-query answer or health document; over it is an error, not a cut. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface GetRequest {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Who is asked, for the sentences: `Prometheus at http://…` (credentials already masked). */
  subject: string;
  /** Values no sentence may show (tokens, header values, the URL's userinfo). */
  secrets: readonly string[];
  maxBytes?: number;
}

export type GetResult = { ok: true; status: number; body: Buffer } | { ok: false; error: string };

type Stage = 'connecting' | 'waiting' | 'reading';

const STAGE_WORDS: Record<Stage, string> = {
  connecting: 'no connection was made',
  waiting: 'connected, but no response came',
  reading: 'the response started but did not finish',
};

export async function httpGet(req: GetRequest): Promise<GetResult> {
  const maxBytes = req.maxBytes ?? MAX_BODY_BYTES;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { ok: false, error: `${req.subject} cannot be asked: its URL does not parse` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `${req.subject} cannot be asked: only http:// and https:// URLs are supported, not ${url.protocol}//` };
  }
  // Loaded when first asked (node:http and node:https with TLS are ~9 ms of every start-up of a
  // spec without metrics); by require, which the bundled CLI has (its vm script has no import()).
  const load = createRequire(import.meta.url);
  const send = url.protocol === 'https:' ? (load('node:https') as typeof import('node:https')).request : (load('node:http') as typeof import('node:http')).request;

  return new Promise<GetResult>((resolve) => {
    let stage: Stage = 'connecting';
    let settled = false;
    const finish = (result: GetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client?.destroy();
      resolve(result.ok ? result : { ok: false, error: scrub(result.error, req.secrets) });
    };
    const fail = (error: string) => finish({ ok: false, error });

    // One deadline for everything: a server trickling its body byte by byte is as late as a silent one.
    const timer = setTimeout(() => fail(`${req.subject} gave no answer within ${req.timeoutMs} ms (${STAGE_WORDS[stage]})`), req.timeoutMs);

    let client: ClientRequest | undefined;
    try {
      client = send(url, { method: 'GET', agent: false, headers: { 'user-agent': 'rollgate', accept: 'application/json', ...req.headers } });
    } catch (err) {
      // An invalid header name or value: the spec's schema and readSecret() refuse them first.
      fail(`${req.subject} cannot be asked: ${(err as Error).message}`);
      return;
    }
    client.on('socket', (socket) => {
      const connected = () => {
        if (stage === 'connecting') stage = 'waiting';
      };
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    client.on('error', (err) => fail(networkError(req.subject, url, err as NodeJS.ErrnoException, stage)));
    client.on('response', (res) => readBody(res, req.subject, maxBytes, () => (stage = 'reading'), finish));
    client.end();
  });
}

function readBody(res: IncomingMessage, subject: string, maxBytes: number, started: () => void, finish: (r: GetResult) => void): void {
  started();
  const status = res.statusCode ?? 0;
  const tooLarge = `${subject} answered more than ${maxBytes} bytes (HTTP ${status}), over the limit for one metric answer; query something smaller`;
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    finish({ ok: false, error: tooLarge });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) finish({ ok: false, error: tooLarge });
    else chunks.push(chunk);
  });
  res.on('end', () => finish({ ok: true, status, body: Buffer.concat(chunks, size) }));
  res.on('error', (err) => finish({ ok: false, error: `${subject} broke off its answer (HTTP ${status}): ${(err as Error).message}` }));
  // A socket closed before the end of the body ends as 'aborted' / 'error' on the response.
  res.on('aborted', () => finish({ ok: false, error: `${subject} broke off its answer (HTTP ${status}) before the end of the body` }));
}

function networkError(subject: string, url: URL, err: NodeJS.ErrnoException, stage: Stage): string {
  const host = url.hostname;
  const where = `${host}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${subject} refused the connection (ECONNREFUSED): nothing listens on ${where}; is the server running, and on that port?`;
    case 'ENOTFOUND':
      return `${subject} cannot be reached: host ${host} is not found (ENOTFOUND); check the address`;
    case 'EAI_AGAIN':
      return `${subject} cannot be reached: the name server did not answer for host ${host} (EAI_AGAIN)`;
    case 'ECONNRESET':
      return stage === 'waiting'
        ? `${subject} closed the connection without answering (ECONNRESET)`
        : `${subject} reset the connection (ECONNRESET)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${subject} cannot be reached: no route to ${where} (${err.code})`;
    case 'ETIMEDOUT':
      return `${subject} cannot be reached: connecting to ${where} timed out (ETIMEDOUT)`;
    default:
      if (/certificate|self.signed|SSL|TLS/i.test(`${err.code ?? ''} ${err.message}`)) {
        return `${subject} failed the TLS handshake: ${err.message}${err.code ? ` (${err.code})` : ''}`;
      }
      return `${subject} cannot be asked: ${err.message}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}`;
  }
}
