/**
 * `routing.haproxy`: the canary's share set on HAProxy's runtime API (the stats socket at level
 * admin), with `set weight` / `get weight` on the two servers of one backend. One command per
 * connection, HAProxy's non-interactive mode: send `cmd\n`, read until it closes.
 *
 * The weights written are the percentages themselves (HAProxy takes 0..256), so `balance
 * roundrobin` sends exactly 5 of every 100 requests to a canary at 5. A half percent (2.5) is
 * written doubled (5 and 195), still within 256; a finer share cannot be set exactly and is
 * refused with a sentence rather than rounded (read back, it would never equal the phase's).
 * Runtime weights do not survive a restart of HAProxy: the next check reads the config's
 * weights back and sets them again.
 */
import { createConnection, type Socket } from 'node:net';
import { quoteProducerText } from '../engine/log-tally.js';
import { resolveIn } from '../observe/paths.js';
import type { RoutingSpec } from '../spec/types.js';
import type { Router, RouterResult, Weights } from './router.js';

type HaproxySpec = Extract<RoutingSpec, { provider: 'haproxy' }>;

/** `get weight` answers a line; the longest answer (an unknown command's help) is a few KiB. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** HAProxy's largest weight. */
const MAX_WEIGHT = 256;

type Endpoint = { path: string } | { host: string; port: number };

export function haproxyRouter(spec: HaproxySpec, root: string): Router {
  const where = spec.socket !== null ? spec.socket : spec.address ?? '(no socket)';
  const target = `HAProxy at ${where} (backend ${spec.backend})`;
  const endpoint = endpointOf(spec, root);
  const socketLine = spec.socket !== null ? `stats socket ${spec.socket} level admin` : `stats socket ${spec.address} level admin`;

  /** One command's answer, or a sentence for why there is none. */
  async function ask(command: string): Promise<RouterResult<string>> {
    if (typeof endpoint === 'string') return { ok: false, error: `${target}: ${endpoint}` };
    const answer = await exchange(endpoint, command, spec.timeoutMs);
    if (answer.ok) return answer;
    return { ok: false, error: `${target}: ${connectionSentence(answer.error, spec.timeoutMs, socketLine)}` };
  }

  /** The sentence for an answer that is not what `command` should answer. */
  function refusal(command: string, answer: string, server: string): string {
    const text = answer.trim();
    if (text === 'No such backend.') return `${target} has no backend \`${spec.backend}\`: check \`routing.haproxy.backend\` against the backends in haproxy.cfg`;
    if (text === 'No such server.') return `${target} has no server \`${server}\` in backend \`${spec.backend}\`: check \`routing.haproxy.stable\` and \`canary\` (and \`backend\`) against haproxy.cfg`;
    if (text === 'Permission denied') return `${target} denied \`${command}\`: the stats socket is not at level admin; give its line \`level admin\` (\`${socketLine}\`)`;
    if (/static LB algorithm/i.test(text)) return `${target} cannot change weights: backend \`${spec.backend}\` uses a static balance algorithm (HAProxy said ${quoteProducerText(text, 120)}); use \`balance roundrobin\``;
    return `${target} answered ${quoteProducerText(text, 120)} to \`${command}\``;
  }

  async function weightOf(server: string): Promise<RouterResult<number>> {
    const command = `get weight ${spec.backend}/${server}`;
    const answer = await ask(command);
    if (!answer.ok) return answer;
    const m = /^(\d+) \(initial \d+\)\s*$/.exec(answer.value);
    if (!m) return { ok: false, error: refusal(command, answer.value, server) };
    return { ok: true, value: Number(m[1]) };
  }

  async function setWeight(server: string, weight: number): Promise<RouterResult<void>> {
    const command = `set weight ${spec.backend}/${server} ${weight}`;
    const answer = await ask(command);
    if (!answer.ok) return answer;
    // Success is an empty answer.
    if (answer.value.trim() !== '') return { ok: false, error: refusal(command, answer.value, server) };
    return { ok: true, value: undefined };
  }

  async function read(): Promise<RouterResult<Weights | null>> {
    const stable = await weightOf(spec.stable);
    if (!stable.ok) return stable;
    const canary = await weightOf(spec.canary);
    if (!canary.ok) return canary;
    const sum = stable.value + canary.value;
    if (sum === 0) return { ok: false, error: `${target}: both servers have weight 0 (\`${spec.stable}\` and \`${spec.canary}\`), so the backend sends no request anywhere` };
    const canaryShare = (canary.value * 100) / sum;
    return { ok: true, value: { canary: canaryShare, stable: 100 - canaryShare } };
  }

  async function set(weights: Weights): Promise<RouterResult<void>> {
    const scaled = haproxyWeights(weights);
    if (typeof scaled === 'string') return { ok: false, error: `${target}: ${scaled}` };
    // The larger weight first: going from 100/0 to 0/100 never passes through 0/0 (a backend
    // with no server to send to).
    const order: Array<[string, number]> = scaled.canary >= scaled.stable
      ? [[spec.canary, scaled.canary], [spec.stable, scaled.stable]]
      : [[spec.stable, scaled.stable], [spec.canary, scaled.canary]];
    for (const [server, weight] of order) {
      const done = await setWeight(server, weight);
      if (!done.ok) return done;
    }
    const after = await read();
    if (!after.ok) return { ok: false, error: `set the weights, but reading them back failed: ${after.error}` };
    if (after.value === null || after.value.canary !== weights.canary || after.value.stable !== weights.stable) {
      const had = after.value ? `canary ${after.value.canary}% / stable ${after.value.stable}%` : 'nothing';
      return { ok: false, error: `${target} took \`set weight\` but reports ${had} afterwards, not canary ${weights.canary}% / stable ${weights.stable}%: is another process setting these weights?` };
    }
    return { ok: true, value: undefined };
  }

  return { provider: 'haproxy', target, read, set };
}

/** The integer weights for a split: the percentages, doubled for a half percent; else why not. */
export function haproxyWeights(w: Weights): { canary: number; stable: number } | string {
  const valid = (n: number) => Number.isFinite(n) && n >= 0 && n <= 100;
  if (!valid(w.canary) || !valid(w.stable) || Math.abs(w.canary + w.stable - 100) > 1e-9) {
    return `canary ${w.canary}% / stable ${w.stable}% is not a split of 100%`;
  }
  for (const scale of [1, 2]) {
    const canary = w.canary * scale;
    const stable = w.stable * scale;
    if (Number.isInteger(canary) && Number.isInteger(stable) && canary + stable <= MAX_WEIGHT) return { canary, stable };
  }
  return `HAProxy weights are whole numbers up to ${MAX_WEIGHT}, so canary ${w.canary}% cannot be set exactly; use a traffic of whole or half percents`;
}

/** Where to connect, or a sentence when the spec gives no usable address. */
function endpointOf(spec: HaproxySpec, root: string): Endpoint | string {
  if (spec.socket !== null) return { path: resolveIn(root, spec.socket) };
  if (spec.address === null) return 'neither `socket` nor `address` is given';
  const m = /^\[?([^\]]*)\]?:(\d{1,5})$/.exec(spec.address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 1 || port > 65535) return `\`${spec.address}\` is not host:port`;
  return { host: m[1], port };
}

type Exchange = { ok: true; value: string } | { ok: false; error: { code: string; message: string } };

/** Sends one command and reads the answer until HAProxy closes; the whole exchange within `timeoutMs`. */
function exchange(endpoint: Endpoint, command: string, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    let socket: Socket;
    const finish = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: { code: 'TIMEOUT', message: '' } }), timeoutMs);
    socket = 'path' in endpoint ? createConnection({ path: endpoint.path }) : createConnection({ host: endpoint.host, port: endpoint.port });
    // No half-close: HAProxy answers and closes the connection itself.
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_ANSWER_BYTES) finish({ ok: false, error: { code: 'TOOLONG', message: '' } });
      else chunks.push(chunk);
    });
    socket.on('end', () => finish({ ok: true, value: Buffer.concat(chunks).toString('utf8') }));
    socket.on('close', () => finish({ ok: true, value: Buffer.concat(chunks).toString('utf8') }));
    socket.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: { code: err.code ?? 'EIO', message: err.message } }));
  });
}

function connectionSentence(error: { code: string; message: string }, timeoutMs: number, socketLine: string): string {
  const running = `is HAProxy running, and is \`${socketLine}\` in its config?`;
  switch (error.code) {
    case 'ENOENT':
      return `no such socket; ${running}`;
    case 'ECONNREFUSED':
      return `connection refused; ${running}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on the socket file (${error.code}): run rollgate as a user who may open it, or give the \`stats socket\` line a \`mode\`/\`user\` that allows it`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `HAProxy closed the connection before answering (${error.code})`;
    case 'TIMEOUT':
      return `no answer within ${timeoutMs} ms (\`routing.timeout\`)`;
    case 'TOOLONG':
      return `the answer was over ${MAX_ANSWER_BYTES} bytes: is this an HAProxy stats socket?`;
    case 'ENOTSOCK':
      return `the path is not a socket; ${running}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the address (${error.code})`;
    default:
      return `cannot talk to the stats socket (${error.code}${error.message ? `: ${error.message}` : ''})`;
  }
}
