/**
 * A throwaway PostgreSQL server, started from the installed binaries (Debian's postgresql
 * package: /usr/lib/postgresql/<version>/bin, or $PG_BIN), never a mock. Plain ESM so that both
 * the tests (test/helpers/postgres-server.ts, which adds vitest's shared server, fresh databases
 * and private servers on top) and the benchmark (scripts/bench/store.mjs) use the same launcher;
 * its types are in server.d.mts.
 *
 * PostgreSQL refuses to run as root: as root, initdb/pg_ctl/postgres run as `nobody` (runuser),
 * in a temporary directory that `nobody` owns (its home, /nonexistent, does not exist: HOME is
 * set to that directory). The superuser `rollgate` has a random password (scram-sha-256, also
 * over the unix socket), so a wrong password is refused (28P01). The server listens on
 * 127.0.0.1 on a free port, with fsync off: nothing it holds is meant to survive it.
 *
 * Each server's temporary directory (rollgate-pgsrv-<label>-XXXXXX in the system temp folder)
 * has an `owner` file (pid and host); reapStaleServers() stops and removes those whose owner
 * process is gone, so a run killed before its teardown leaves nothing behind for long.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

export const NOT_INSTALLED =
  'PostgreSQL is not installed: run `apt-get install -y --no-install-recommends postgresql` (Debian) so the store tests can start their own server';

const USER = 'rollgate';
const DATABASE = 'rollgate';
const HOST = '127.0.0.1';
const UNPRIVILEGED = 'nobody';
/** The servers' temp dirs: rollgate-pgsrv-shared-XXXXXX, rollgate-pgsrv-private-XXXXXX, rollgate-pgsrv-bench-XXXXXX. */
export const TEMP_PREFIX = 'rollgate-pgsrv-';

/** $PG_BIN, else the highest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
export function findPgBin() {
  const has = (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (has(fromEnv)) return fromEnv;
    throw new Error(`PG_BIN=${fromEnv} has no initdb and pg_ctl`);
  }
  const root = '/usr/lib/postgresql';
  let versions = [];
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
export function freePort() {
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

export function urlFor(server, database) {
  return `postgres://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${encodeURIComponent(database)}`;
}

/** 'nobody' when this process is root (PostgreSQL will not run as root), else null. */
export function runAsUser() {
  return process.getuid?.() === 0 ? UNPRIVILEGED : null;
}

function idOf(user) {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** The command line for a PostgreSQL binary: as `nobody` (with HOME set) when root. */
function commandFor(server, tool, args) {
  const home = dirname(server.dataDir);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  const bin = join(server.binDir, tool);
  if (server.runAs === null) return { file: bin, args, cwd: home, env };
  // runuser resets HOME to nobody's (absent) home: env sets it again for the tool.
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return { file: 'runuser', args: ['-u', server.runAs, '--', '/usr/bin/env', '-i', ...assignments, bin, ...args], cwd: home, env };
}

function logTail(server) {
  try {
    const text = readFileSync(join(dirname(server.dataDir), 'server.log'), 'utf8');
    return text.split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

function runTool(server, tool, args, timeoutMs = 90_000) {
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

function pgCtl(server, args) {
  const logFile = join(dirname(server.dataDir), 'server.log');
  return runTool(server, 'pg_ctl', ['-D', server.dataDir, '-l', logFile, ...args]);
}

async function waitForConnections(server, database) {
  // pg_ctl -w waits for the postmaster's "ready"; this also proves the password works.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: urlFor(server, database), connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      const code = err?.code;
      // 57P03: the database system is starting up.
      if (Date.now() > deadline || (code !== '57P03' && code !== 'ECONNREFUSED')) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * initdb + start + `CREATE DATABASE rollgate` in a fresh temporary directory
 * (rollgate-pgsrv-<label>-XXXXXX); resolves to the server's description (plain data).
 * Throws NOT_INSTALLED when there are no PostgreSQL binaries. On failure nothing is left behind.
 */
export async function launchServer(label = 'shared') {
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
      '# a throwaway rollgate server (scripts/postgres/server.mjs)',
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
        if (attempt < 5 && /already in use|could not (create|bind)/i.test(err.message)) continue;
        throw err;
      }
      const server = {
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
export async function destroyServer(server) {
  if (existsSync(join(server.dataDir, 'postmaster.pid'))) {
    try {
      await pgCtl(server, ['-w', '-t', '30', '-m', 'immediate', 'stop']);
    } catch {
      killPostmaster(server);
    }
  }
  removeRoot(server);
}

/** The same, synchronously: for a process 'exit' or signal handler and for a failed launch. */
export function destroyServerSync(server) {
  if (existsSync(join(server.dataDir, 'postmaster.pid'))) {
    const logFile = join(dirname(server.dataDir), 'server.log');
    const cmd = commandFor(server, 'pg_ctl', ['-D', server.dataDir, '-l', logFile, '-w', '-t', '30', '-m', 'immediate', 'stop']);
    const res = spawnSync(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: 'ignore', timeout: 40_000 });
    if (res.status !== 0) killPostmaster(server);
  }
  removeRoot(server);
}

function killPostmaster(server) {
  try {
    const pid = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // Its backends exit on their own once the postmaster is gone.
    if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL');
  } catch {
    // not running (or not ours to kill)
  }
}

function removeRoot(server) {
  const root = dirname(server.dataDir);
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    process.stderr.write(`could not remove ${root}: ${err.message}\n`);
  }
}

/**
 * Stops and removes the servers of runs that were killed before their teardown (SIGKILL, OOM):
 * temp dirs named rollgate-pgsrv-* whose `owner` process is gone. Returns the directories removed.
 */
export function reapStaleServers() {
  const reaped = [];
  let entries = [];
  try {
    entries = readdirSync(tmpdir()).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch {
    return reaped;
  }
  for (const name of entries) {
    const root = join(tmpdir(), name);
    let owner;
    let host;
    try {
      const [pid, who] = readFileSync(join(root, 'owner'), 'utf8').trim().split(' ');
      owner = Number(pid);
      host = who;
    } catch {
      continue; // not one of ours, or still being made
    }
    // Another host (a container sharing /tmp) has other pids: not ours to judge.
    if (host !== hostname() || !Number.isInteger(owner) || owner <= 1 || alive(owner)) continue;
    const dataDir = join(root, 'data');
    if (!existsSync(join(dataDir, 'PG_VERSION'))) continue;
    let binDir;
    try {
      binDir = findPgBin();
    } catch {
      return reaped;
    }
    destroyServerSync({ binDir, dataDir, runAs: runAsUser() });
    reaped.push(root);
  }
  return reaped;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** pg_ctl stop -m fast: connections are then refused (ECONNREFUSED) until startServer(). */
export async function stopServer(server) {
  await pgCtl(server, ['-w', '-t', '60', '-m', 'fast', 'stop']);
}

/** pg_ctl start -w again, with the same data, port and settings; resolves once it takes connections. */
export async function startServer(server) {
  await pgCtl(server, ['-w', '-t', '60', 'start']);
  await waitForConnections(server, server.database);
}

/**
 * One statement (or several, without params) on `url`, on a connection of its own; resolves to
 * the rows (of the last statement).
 */
export async function query(url, sql, params) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const result = await client.query(sql, params);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return last?.rows ?? [];
  } finally {
    await client.end().catch(() => undefined);
  }
}
