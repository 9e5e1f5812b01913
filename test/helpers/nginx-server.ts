/**
 * A real nginx for the routing tests, from Debian's /usr/sbin/nginx (nginx-light), never a mock:
 * `nginx -p <dir> -c <dir>/nginx.conf` with every path it writes inside its temporary directory
 * (rollgate-nginxsrv-XXXXXX: pid, error log, temp paths), `daemon off` as a child of the test
 * process (its own process group, so the worker goes with the master), `worker_processes 1` so
 * weighted round robin is one exact sequence, and one http server on a free port of 127.0.0.1
 * that proxies to `app` (weights mode) or to `$rollgate_upstream` (split_clients mode). The
 * upstreams come from `<dir>/rollgate-upstream.conf`, the file the nginx router writes; `testArgv`
 * and `reloadArgv` are what a spec's `test` and `reload` would say for this server.
 *
 * A reload (SIGHUP) takes effect when the new worker runs and the old one is gone:
 * `workerPids()` before a set, `waitForReload(before)` after it. As root the worker runs as root
 * too (`user root;`): its temp paths are in a directory root made. Killed runs are reaped as in
 * haproxy-server.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from './backends.js';
import { logTail, reapStaleDaemons, startDaemon, stopDaemon } from './daemon.js';
import { freePort } from './postgres-server.js';

export const NOT_INSTALLED =
  'nginx is not installed: run `apt-get install -y --no-install-recommends nginx-light` (Debian) so the routing tests can start their own from /usr/sbin/nginx';

const BIN = '/usr/sbin/nginx';
const HOST = '127.0.0.1';
const TEMP_PREFIX = 'rollgate-nginxsrv-';
/** The helper's record of the master's pid, for the reaper (nginx.pid is nginx's own, for `-s reload`). */
const PID_FILE = 'server.pid';
/** Answered by nginx itself: readiness without a request to the backends. */
const READY_PATH = '/rollgate-ready';

export interface NginxOptions {
  /** `weights`: `proxy_pass http://<upstream>;`; `split`: `proxy_pass http://$rollgate_upstream;` (the split_clients variable). */
  mode: 'weights' | 'split';
  /** The include file's content to start with (nginx needs the upstreams it proxies to). */
  include: string;
  /** Default `app`. */
  upstream?: string;
}

export interface NginxServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  dir: string;
  /** `<dir>/nginx.conf` */
  conf: string;
  /** `<dir>/rollgate-upstream.conf`, included in the http block. */
  include: string;
  /** `[nginx, -p, dir, -c, conf, -t]` */
  testArgv: string[];
  /** `[nginx, -p, dir, -c, conf, -s, reload]` */
  reloadArgv: string[];
  /** The worker processes now. */
  workerPids(): number[];
  /** Waits until the workers are new ones (none of `before`) and the old ones have exited. */
  waitForReload(before: readonly number[]): Promise<void>;
  stop(): Promise<void>;
  /** Same config, same port; resolves once nginx answers. */
  start(): Promise<void>;
  close(): Promise<void>;
  logTail(): string;
}

export function nginxBinary(): string {
  if (!existsSync(BIN)) throw new Error(NOT_INSTALLED);
  return BIN;
}

function configText(dir: string, o: NginxOptions, port: number): string {
  const temp = (name: string) => join(dir, 'temp', name);
  const upstream = o.upstream ?? 'app';
  return [
    // Without it, a master started by root runs its worker as nobody.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    'daemon off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} notice;`,
    'events { worker_connections 128; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${temp('client_body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    `  include ${join(dir, 'rollgate-upstream.conf')};`,
    '  server {',
    `    listen ${HOST}:${port};`,
    `    location = ${READY_PATH} { return 204; }`,
    `    location / { proxy_pass http://${o.mode === 'weights' ? upstream : '$rollgate_upstream'}; }`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Starts an nginx in a fresh directory; the caller closes it (afterAll). */
export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const bin = nginxBinary();
  if (!reaped) {
    reaped = true;
    reapStaleDaemons(TEMP_PREFIX, PID_FILE);
  }
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  writeFileSync(join(dir, 'owner'), `${process.pid} ${hostname()}\n`);
  mkdirSync(join(dir, 'temp'));
  const conf = join(dir, 'nginx.conf');
  const include = join(dir, 'rollgate-upstream.conf');
  writeFileSync(include, options.include);
  const base = [bin, '-p', dir, '-c', conf];
  let master = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeFileSync(conf, configText(dir, options, port));
      const start = async () => {
        await startDaemon(dir, PID_FILE, bin, base.slice(1), async () => (await status(port)) === 204 && workersOf(master = pidOf(dir)).length > 0);
      };
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
        conf,
        include,
        testArgv: [...base, '-t'],
        reloadArgv: [...base, '-s', 'reload'],
        workerPids: () => workersOf(master),
        waitForReload: (before) => waitForReload(master, before, dir),
        stop: () => stopDaemon(dir, 'SIGTERM'),
        start,
        close: async () => {
          if (closed) return;
          closed = true;
          await stopDaemon(dir, 'SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
        logTail: () => `${logTail(dir)}\n${errorLogTail(dir)}`,
      };
    }
  } catch (err) {
    await stopDaemon(dir, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

let reaped = false;

function pidOf(dir: string): number {
  try {
    return Number(readFileSync(join(dir, PID_FILE), 'utf8').trim());
  } catch {
    return 0;
  }
}

async function status(port: number): Promise<number> {
  try {
    return (await get(`http://${HOST}:${port}${READY_PATH}`)).status;
  } catch {
    return 0;
  }
}

/** The children of `master`, from /proc (field 4 of /proc/<pid>/stat is the parent). */
function workersOf(master: number): number[] {
  if (!master) return [];
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === master && fields[0] !== 'Z') found.push(Number(name));
    } catch {
      // gone while listing
    }
  }
  return found;
}

async function waitForReload(master: number, before: readonly number[], dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = workersOf(master);
    if (now.length > 0 && now.every((p) => !before.includes(p))) return;
    if (Date.now() > deadline) throw new Error(`nginx did not reload within 10 s (workers ${now.join(', ')}, before ${before.join(', ')}):\n${errorLogTail(dir)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function errorLogTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no error log)';
  }
}
