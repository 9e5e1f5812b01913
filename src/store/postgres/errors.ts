/**
 * A PostgreSQL failure as a StoreError with one sentence: 73 when the store cannot be written
 * (down, unreachable, read-only, denied, wrong password, the session lost mid-check), 65 for
 * corrupt data read back. Secrets never appear (scrub).
 */
import { StoreError } from '../store-error.js';
import { maskUrl, scrub } from './url.js';

interface PgError extends Error {
  code?: string;
}

const SENTENCES: Record<string, string> = {
  ECONNREFUSED: 'the database server is not accepting connections (down, or the wrong host or port)',
  ENOTFOUND: 'the database host name does not resolve',
  ETIMEDOUT: 'the database server did not answer in time',
  ECONNRESET: 'the connection to the database was lost',
  EPIPE: 'the connection to the database was lost',
  '28P01': 'the database refused the password (check the URL, PGPASSWORD or ~/.pgpass)',
  '28000': 'the database refused this user (pg_hba.conf, or the user does not exist)',
  '3D000': 'the database does not exist (create it, then run `rollgate store init`)',
  '42501': 'the database user lacks a permission rollgate needs (run `rollgate store init` as the owner, and grant this user SELECT, INSERT, UPDATE on the rollgate schema)',
  '25006': 'the database is read-only (a standby, or default_transaction_read_only)',
  '57P01': 'the database server ended this session (shut down, or pg_terminate_backend)',
  '57P02': 'the database server ended this session (crash shutdown)',
  '57P03': 'the database server is starting up or shutting down',
  '53300': 'the database has no free connections (max_connections)',
  '53100': 'the database server is out of disk space',
};

export function pgFailure(err: unknown, url: string, doing: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as PgError;
  const known = e?.code ? SENTENCES[e.code] : undefined;
  const lost = !known && /Connection terminated|connection is closed|Client has encountered a connection error|not queryable/i.test(e?.message ?? '');
  const why = known ?? (lost ? 'the connection to the database was lost' : `the database said: ${e?.message ?? String(err)}`);
  return new StoreError(scrub(`cannot ${doing} in ${maskUrl(url)}: ${why}; nothing was written by this step`, url), 73);
}
