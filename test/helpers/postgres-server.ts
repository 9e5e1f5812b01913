/**
 * A real PostgreSQL server for the store tests, started from the installed binaries (Debian's
 * postgresql package: /usr/lib/postgresql/<version>/bin, or $PG_BIN), never a mock. The
 * launcher itself (initdb, pg_ctl start/stop as `nobody` when root, free port, removal, the
 * reaper of killed runs' servers) is scripts/postgres/server.mjs, which the benchmark uses too;
 * this file adds what only tests need:
 *
 * - One shared server per `vitest run` (test/helpers/postgres-global-setup.ts, vitest.config.ts
 *   `globalSetup`); a test reaches it with `inject('postgres')` or, better, `freshDatabase()`,
 *   which gives each file (or test) a database of its own.
 * - A test that needs the database to go away ("database down") starts a server of its own with
 *   `startPrivateServer()` and stops/starts that one: other files use the shared server at the
 *   same time in the other worker, so it is never stopped by a test.
 *
 * The superuser `rollgate` has a random password (scram-sha-256, also over the unix socket), so
 * a wrong password is refused (28P01).
 */
import { randomBytes } from 'node:crypto';
import {
  destroyServer,
  destroyServerSync,
  launchServer,
  query,
  startServer as startRaw,
  stopServer as stopRaw,
  urlFor,
  type PostgresServer,
} from '../../scripts/postgres/server.mjs';

export { NOT_INSTALLED, destroyServer, destroyServerSync, findPgBin, freePort, launchServer, reapStaleServers, urlFor } from '../../scripts/postgres/server.mjs';
export type { PostgresServer } from '../../scripts/postgres/server.mjs';

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

/** pg_ctl stop -m fast on a private server (never the shared one: other files are using it). */
export async function stopServer(server: PostgresServer): Promise<void> {
  await refuseShared(server, 'stopServer');
  await stopRaw(server);
}

/** pg_ctl start -w again, with the same data, port and settings. */
export async function startServer(server: PostgresServer): Promise<void> {
  await refuseShared(server, 'startServer');
  await startRaw(server);
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
