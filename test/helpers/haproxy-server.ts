/**
 * A real HAProxy for the routing tests, from Debian's /usr/sbin/haproxy, never a mock: a
 * frontend on a free port of 127.0.0.1, `backend app` (`balance roundrobin`) with the servers
 * `stable` and `canary` pointing at two test backends (test/helpers/backends.ts) with the given
 * initial weights, and its runtime API as `stats socket <dir>/admin.sock level admin` (plus
 * `<dir>/user.sock level user`, to see a refused `set weight`, and optionally a TCP stats socket).
 *
 * It runs in the foreground (`-db`, one thread, so round robin is one sequence), as a child of
 * the test process in its own process group. Each server has a temporary directory
 * (rollgate-haproxysrv-XXXXXX: config, log, pid, sockets); a run killed before its teardown
 * leaves servers that the next run reaps (`reapStaleDaemons` of daemon.ts, which nginx and Prometheus use too).
 * HAProxy runs as root without a user switch; it opens no connection but to the backends.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backends } from './backends.js';
import { logTail, reapStaleDaemons, startDaemon, stopDaemon } from './daemon.js';
import { freePort } from './postgres-server.js';

export const NOT_INSTALLED =
  'HAProxy is not installed: run `apt-get install -y --no-install-recommends haproxy` (Debian) so the routing tests can start their own from /usr/sbin/haproxy';

const BIN = '/usr/sbin/haproxy';
const HOST = '127.0.0.1';
const TEMP_PREFIX = 'rollgate-haproxysrv-';
const PID_FILE = 'haproxy.pid';

export interface HaproxyOptions {
  backends: Backends;
  /** Initial weights in haproxy.cfg (default 1 and 1). */
  stableWeight?: number;
  canaryWeight?: number;
  /** Also a TCP stats socket at level admin on a free port (`statsAddress`). */
  tcpStats?: boolean;
}

export interface HaproxyServer {
  /** `http://127.0.0.1:<port>/`, the frontend. */
  url: string;
  dir: string;
  /** The admin stats socket (absolute path). */
  socket: string;
  /** A stats socket at level user: `get weight` works, `set weight` is denied. */
  userSocket: string;
  /** `127.0.0.1:<port>` of the TCP stats socket, or null. */
  statsAddress: string | null;
  /** SIGTERM and wait: the sockets refuse connections until start(). */
  stop(): Promise<void>;
  /** SIGKILL and wait, as a crash would. */
  kill(): Promise<void>;
  /** Same config, same ports; the runtime weights are lost. Resolves once the admin socket answers. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
  /** The end of HAProxy's own output, for a failure message. */
  logTail(): string;
}

export function haproxyBinary(): string {
  if (!existsSync(BIN)) throw new Error(NOT_INSTALLED);
  return BIN;
}

function configText(dir: string, o: HaproxyOptions, port: number, statsPort: number | null): string {
  return [
    'global',
    '  nbthread 1',
    `  stats socket ${join(dir, 'admin.sock')} level admin`,
    `  stats socket ${join(dir, 'user.sock')} level user`,
    ...(statsPort !== null ? [`  stats socket ${HOST}:${statsPort} level admin`] : []),
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    'frontend web',
    `  bind ${HOST}:${port}`,
    '  default_backend app',
    'backend app',
    '  balance roundrobin',
    `  server stable ${o.backends.stable.address} weight ${o.stableWeight ?? 1}`,
    `  server canary ${o.backends.canary.address} weight ${o.canaryWeight ?? 1}`,
    '',
  ].join('\n');
}

/** Starts an HAProxy in a fresh directory; the caller closes it (afterAll). */
export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyServer> {
  const bin = haproxyBinary();
  reapOnce();
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  writeFileSync(join(dir, 'owner'), `${process.pid} ${hostname()}\n`);
  const config = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'admin.sock');
  try {
    // A free port may be taken between the probe and the bind: try others.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const statsPort = options.tcpStats ? await freePort() : null;
      writeFileSync(config, configText(dir, options, port, statsPort));
      const start = () => startDaemon(dir, PID_FILE, bin, ['-db', '-f', config], () => answers(socket));
      try {
        await start();
      } catch (err) {
        if (attempt < 5 && /address already in use/i.test((err as Error).message)) continue;
        throw err;
      }
      let closed = false;
      return {
        url: `http://${HOST}:${port}/`,
        dir,
        socket,
        userSocket: join(dir, 'user.sock'),
        statsAddress: statsPort !== null ? `${HOST}:${statsPort}` : null,
        stop: () => stopDaemon(dir, 'SIGTERM'),
        kill: () => stopDaemon(dir, 'SIGKILL'),
        start,
        close: async () => {
          if (closed) return;
          closed = true;
          await stopDaemon(dir, 'SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
        logTail: () => logTail(dir),
      };
    }
  } catch (err) {
    await stopDaemon(dir, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** True once the admin socket answers `show info`. */
async function answers(socket: string): Promise<boolean> {
  return /^Name: HAProxy/m.test(await haproxyCommand(socket, 'show info').catch(() => ''));
}

/** One runtime API command on a unix stats socket, as an operator would type it: HAProxy's raw answer. */
export function haproxyCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = createConnection({ path: socket });
    s.setTimeout(2_000, () => s.destroy(new Error(`no answer to \`${command}\` within 2 s`)));
    s.on('connect', () => s.write(`${command}\n`));
    s.on('data', (c: Buffer) => (text += c.toString('utf8')));
    s.on('close', (hadError) => {
      if (!hadError) resolve(text);
    });
    s.on('error', reject);
  });
}

let reaped = false;

function reapOnce(): void {
  if (reaped) return;
  reaped = true;
  reapStaleDaemons(TEMP_PREFIX, PID_FILE);
}
