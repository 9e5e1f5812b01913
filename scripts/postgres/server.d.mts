/** Types of server.mjs (hand-written: the module is plain JavaScript so scripts run it unbuilt). */

/** A running server (plain data: it crosses from vitest's main process to the workers). */
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
  /** The data directory; its parent is the server's temporary directory (removed by destroyServer). */
  dataDir: string;
  /** The user the server processes run as: 'nobody' when this process is root, else null. */
  runAs: string | null;
}

/** What stopping and removing a server needs. */
export type ServerFiles = Pick<PostgresServer, 'binDir' | 'dataDir' | 'runAs'>;

export const NOT_INSTALLED: string;
export const TEMP_PREFIX: string;

/** $PG_BIN, else the highest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl; throws NOT_INSTALLED. */
export function findPgBin(): string;
/** A port nothing listens on right now on 127.0.0.1. */
export function freePort(): Promise<number>;
export function urlFor(server: Pick<PostgresServer, 'user' | 'password' | 'host' | 'port'>, database: string): string;
/** 'nobody' when this process is root, else null. */
export function runAsUser(): string | null;
/** initdb + start + CREATE DATABASE rollgate in a new rollgate-pgsrv-<label>-XXXXXX temp dir. */
export function launchServer(label?: string): Promise<PostgresServer>;
/** Stops the server (immediate) and removes its temporary directory. */
export function destroyServer(server: ServerFiles): Promise<void>;
/** The same, synchronously. */
export function destroyServerSync(server: ServerFiles): void;
/** Stops and removes the servers whose owner process is gone; returns the directories removed. */
export function reapStaleServers(): string[];
/** pg_ctl stop -m fast. */
export function stopServer(server: PostgresServer): Promise<void>;
/** pg_ctl start -w, then waits until it takes connections. */
export function startServer(server: PostgresServer): Promise<void>;
/** One statement (or several, without params) on a connection of its own; the rows of the last. */
export function query<Row extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<Row[]>;
