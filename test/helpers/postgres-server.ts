/**
 * A real PostgreSQL server for the store tests, started from the installed binaries (Debian's
 * postgresql package: /usr/lib/postgresql/<version>/bin, or $PG_BIN), never a mock.
 *
 * - One shared server per `vitest run` (test/helpers/postgres-global-setup.ts, vitest.config.ts
 *   `globalSetup`); a test reaches it with `inject('postgres')` or, better, `freshDatabase()`,
 *   which gives each file (or test) a database of its own.
 * - A test that needs the database to go away ("database down") starts a server of its own with
 *   `startPrivateServer()` and stops/starts that one: other files use the shared server at the
 *   same time in the other worker, so it is never stopped by a test.
 *
 * PostgreSQL refuses to run as root: as root, initdb/pg_ctl/postgres run as `nobody` (runuser),
 * in a temporary directory that `nobody` owns (its home, /nonexistent, does not exist: HOME is
 * set to that directory). The superuser `rollgate` has a random password (scram-sha-256, also
 * over the unix socket), so a wrong password is refused (28P01).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** What the global setup provides (plain data: it crosses from the main process to the workers). */
export interface PostgresServer {
  /** `postgres://rollgate:<password>@127.0.0.1:<port>/rollgate` */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The unix socket directory (a `host` for pg: `{ host: socketDir, port, ... }`). */
  socketDir: string;
  /** The folder of initdb, pg_ctl, postgres, psql. */
  binDir: string;
  /** The data directory; its parent is the server's temporary directory (removed by close). */
  dataDir: string;
  /** The user the server processes run as: 'nobody' when the tests run as root, else null. */
  runAs: string | null;
}

/** A server a test started for itself; stop/start do not touch the shared one. */
export interface PrivateServer extends PostgresServer {
  /** pg_ctl stop -m fast: connections are then refused (ECONNREFUSED) until start(). */
  stop(): Promise<void>;
  /** pg_ctl start -w, same port, same settings, same data. */
  start(): Promise<void>;
  /** Stops it (immediate) and removes its temporary directory. */
  close(): Promise<void>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

export const NOT_INSTALLED =
  'PostgreSQL is not installed: run `apt-get install -y --no-install-recommends postgresql` (Debian) so the store tests can start their own server';

const USER = 'rollgate';
const DATABASE = 'rollgate';
const HOST = '127.0.0.1';
const UNPRIVILEGED = 'nobody';
/** The servers' temp dirs: rollgate-pgsrv-shared-XXXXXX, rollgate-pgsrv-private-XXXXXX. */
const TEMP_PREFIX = 'rollgate-pgsrv-';

/** $PG_BIN, else the highest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
export function findPgBin(): string {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (has(fromEnv)) return fromEnv;
    throw new Error(`PG_BIN=${fromEnv} has no initdb and pg_ctl`);
  }
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root);
  } catch {
    // no postgresql folder at all
  }
  const dirs = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'))
    .filter(has);
  if (dirs[0] === undefined) throw new Error(NOT_INSTALLED);
  return dirs[0];
}

/** A port nothing listens on right now (the kernel's pick for port 0, released again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function urlFor(server: Pick<PostgresServer, 'user' | 'password' | 'host' | 'port'>, database: string): string {
  return `postgres://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${encodeURIComponent(database)}`;
}

function runAsUser(): string | null {
  return process.getuid?.() === 0 ? UNPRIVILEGED : null;
}

function idOf(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** The command line for a PostgreSQL binary: as `nobody` (with HOME set) when root. */
function commandFor(server: Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>, tool: string, args: string[]): { file: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const home = dirname(server.dataDir);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  const bin = join(server.binDir, tool);
  if (server.runAs === null) return { file: bin, args, cwd: home, env };
  // runuser resets HOME to nobody's (absent) home: env sets it again for the tool.
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return { file: 'runuser', args: ['-u', server.runAs, '--', '/usr/bin/env', '-i', ...assignments, bin, ...args], cwd: home, env };
}

function logTail(server: Pick<PostgresServer, 'dataDir'>): string {
  try {
    const text = readFileSync(join(dirname(server.dataDir), 'server.log'), 'utf8');
    return text.split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

function runTool(server: Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>, tool: string, args: string[], timeoutMs = 90_000): Promise<string> {
  const cmd = commandFor(server, tool, args);
  return new Promise((resolve, reject) => {
    execFile(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${tool} ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stderr}${stdout}\n--- server.log ---\n${logTail(server)}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

function pgCtl(server: Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>, args: string[]): Promise<string> {
  const logFile = join(dirname(server.dataDir), 'server.log');
  return runTool(server, 'pg_ctl', ['-D', server.dataDir, '-l', logFile, ...args]);
}

async function waitForConnections(server: PostgresServer, database: string): Promise<void> {
  // pg_ctl -w waits for the postmaster's "ready"; this also proves the password works.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: urlFor(server, database), connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 57P03: the database system is starting up.
      if (Date.now() > deadline || (code !== '57P03' && code !== 'ECONNREFUSED')) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * initdb + start + `CREATE DATABASE rollgate` in a fresh temporary directory. Used by the global
 * setup (the shared server) and by startPrivateServer; a test rarely calls it directly.
 */
export async function launchServer(label = 'shared'): Promise<PostgresServer> {
  const binDir = findPgBin();
  const runAs = runAsUser();
  const root = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${label}-`));
  try {
    const dataDir = join(root, 'data');
    const socketDir = join(root, 'sock');
    const pwFile = join(root, 'pwfile');
    const password = randomBytes(18).toString('base64url');
    mkdirSync(socketDir, { mode: 0o700 });
    // Which process this server belongs to: reapStaleServers() removes those whose owner died.
    writeFileSync(join(root, 'owner'), `${process.pid} ${hostname()}\n`);
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs !== null) {
      const { uid, gid } = idOf(runAs);
      for (const path of [root, socketDir, pwFile]) chownSync(path, uid, gid);
    }
    const base = { binDir, dataDir, runAs };
    await runTool(base, 'initdb', [
      '-D', dataDir, '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwFile}`,
      '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ]);
    rmSync(pwFile, { force: true });

    // The settings live in postgresql.conf (not pg_ctl -o), so start() after stop() reuses them.
    const conf = join(dataDir, 'postgresql.conf');
    appendFileSync(conf, [
      '',
      '# rollgate tests (test/helpers/postgres-server.ts)',
      `listen_addresses = '${HOST}'`,
      `unix_socket_directories = '${socketDir.replace(/'/g, "''")}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 200',
      'shared_buffers = 32MB',
      "log_min_messages = 'warning'",
      '',
    ].join('\n'));

    // The free port may be taken between the probe and the bind (another server starting now): retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appendFileSync(conf, `port = ${port}\n`);
      try {
        await pgCtl(base, ['-w', '-t', '60', 'start']);
      } catch (err) {
        if (attempt < 5 && /already in use|could not (create|bind)/i.test((err as Error).message)) continue;
        throw err;
      }
      const server: PostgresServer = {
        url: urlFor({ user: USER, password, host: HOST, port }, DATABASE),
        host: HOST, port, user: USER, password, database: DATABASE, socketDir, binDir, dataDir, runAs,
      };
      await waitForConnections(server, 'postgres');
      await query(urlFor(server, 'postgres'), `CREATE DATABASE ${DATABASE}`);
      return server;
    }
  } catch (err) {
    destroyServerSync({ binDir, dataDir: join(root, 'data'), runAs });
    throw err;
  }
}

/** Stops the server (immediate: nothing to keep) and removes its temporary directory. */
export async function destroyServer(server: Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>): Promise<void> {
  if (existsSync(join(server.dataDir, 'postmaster.pid'))) {
    try {
      await pgCtl(server, ['-w', '-t', '30', '-m', 'immediate', 'stop']);
    } catch {
      killPostmaster(server);
    }
  }
  removeRoot(server);
}

/** The same, synchronously: for a process 'exit' handler and for a failed launch. */
export function destroyServerSync(server: Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>): void {
  if (existsSync(join(server.dataDir, 'postmaster.pid'))) {
    const logFile = join(dirname(server.dataDir), 'server.log');
    const cmd = commandFor(server, 'pg_ctl', ['-D', server.dataDir, '-l', logFile, '-w', '-t', '30', '-m', 'immediate', 'stop']);
    const res = spawnSync(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: 'ignore', timeout: 40_000 });
    if (res.status !== 0) killPostmaster(server);
  }
  removeRoot(server);
}

function killPostmaster(server: Pick<PostgresServer, 'dataDir'>): void {
  try {
    const pid = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // Its backends exit on their own once the postmaster is gone.
    if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL');
  } catch {
    // not running (or not ours to kill)
  }
}

function removeRoot(server: Pick<PostgresServer, 'dataDir'>): void {
  const root = dirname(server.dataDir);
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    process.stderr.write(`could not remove ${root}: ${(err as Error).message}\n`);
  }
}

/**
 * Stops and removes the servers of runs that were killed before their teardown (SIGKILL, OOM):
 * temp dirs named rollgate-pgsrv-* whose `owner` process is gone. The global setup calls it.
 */
export function reapStaleServers(): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(tmpdir()).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const root = join(tmpdir(), name);
    let owner: number;
    let host: string | undefined;
    try {
      const [pid, name] = readFileSync(join(root, 'owner'), 'utf8').trim().split(' ');
      owner = Number(pid);
      host = name;
    } catch {
      continue; // not one of ours, or still being made
    }
    // Another host (a container sharing /tmp) has other pids: not ours to judge.
    if (host !== hostname() || !Number.isInteger(owner) || owner <= 1 || alive(owner)) continue;
    const dataDir = join(root, 'data');
    if (!existsSync(join(dataDir, 'PG_VERSION'))) continue;
    let binDir: string;
    try {
      binDir = findPgBin();
    } catch {
      return;
    }
    destroyServerSync({ binDir, dataDir, runAs: runAsUser() });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The shared server of this run (throws a clear error when the config has no global setup). */
export async function sharedServer(): Promise<PostgresServer> {
  const { inject } = await import('vitest');
  const server = inject('postgres');
  if (server === undefined) {
    throw new Error('No PostgreSQL server was provided: this test needs vitest.config.ts (its globalSetup test/helpers/postgres-global-setup.ts), e.g. `npx vitest run <file>`, not vitest.fast.config.ts');
  }
  return server;
}

/**
 * A new, empty database on the shared server (or on `server`), named `rg_<name>_<random>` or
 * `rg_<random>`; returns its URL. Call it in beforeAll so a file has a database of its own.
 */
export async function freshDatabase(name?: string, server?: PostgresServer): Promise<string> {
  const target = server ?? (await sharedServer());
  const slug = name === undefined ? '' : `${name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 30)}_`;
  const database = `rg_${slug}${randomBytes(6).toString('hex')}`;
  await query(urlFor(target, 'postgres'), `CREATE DATABASE "${database}"`);
  return urlFor(target, database);
}

/**
 * One statement (or several, without params) on `url`, on a connection of its own; returns the
 * rows (of the last statement). For assertions and set-up, not for the code under test.
 */
export async function psql<Row extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<Row[]> {
  return query<Row>(url, sql, params);
}

async function query<Row extends Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const result = (await client.query(sql, params)) as pg.QueryResult<Row> | Array<pg.QueryResult<Row>>;
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return last?.rows ?? [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** pg_ctl stop -m fast on a private server (never the shared one: other files are using it). */
export async function stopServer(server: PostgresServer): Promise<void> {
  await refuseShared(server, 'stopServer');
  await pgCtl(server, ['-w', '-t', '60', '-m', 'fast', 'stop']);
}

/** pg_ctl start -w again, with the same data, port and settings. */
export async function startServer(server: PostgresServer): Promise<void> {
  await refuseShared(server, 'startServer');
  await pgCtl(server, ['-w', '-t', '60', 'start']);
  await waitForConnections(server, server.database);
}

async function refuseShared(server: PostgresServer, what: string): Promise<void> {
  let shared: PostgresServer | undefined;
  try {
    const { inject } = await import('vitest');
    shared = inject('postgres');
  } catch {
    // outside a vitest worker: nothing shared
  }
  if (shared !== undefined && shared.dataDir === server.dataDir) {
    throw new Error(`${what}: not on the shared server (other test files use it at the same time); use startPrivateServer()`);
  }
}

const privateServers = new Set<PostgresServer>();
let exitHookInstalled = false;

/**
 * A server of the test's own (own temp dir, port, password), for "database down" tests; the
 * test must close() it (afterAll / finally). A process exit stops any still open.
 */
export async function startPrivateServer(): Promise<PrivateServer> {
  const info = await launchServer('private');
  privateServers.add(info);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const s of privateServers) destroyServerSync(s);
    });
  }
  let closed = false;
  return {
    ...info,
    stop: () => stopServer(info),
    start: () => startServer(info),
    close: async () => {
      if (closed) return;
      closed = true;
      privateServers.delete(info);
      await destroyServer(info);
    },
  };
}
