/**
 * The tables of the PostgreSQL store, in schema `rollgate`, as numbered migrations. migrate()
 * is idempotent and safe from many hosts at once: a transaction-scoped advisory lock serializes
 * it, and each migration runs once, recorded in rollgate.migrations.
 */
import type { ClientBase } from 'pg';

/** Advisory lock key space of rollgate (`roll` in ASCII); the second key names what is locked. */
export const LOCK_SPACE = 0x726f6c6c;
const MIGRATION_LOCK = 0;

export const MIGRATIONS: readonly string[] = [
  // 1: rollout state (with its fencing version), the hash-chained journal, audit lines, incidents.
  `CREATE TABLE rollgate.rollouts (
     name text PRIMARY KEY,
     version bigint NOT NULL,
     state text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE rollgate.journal (
     rollout text NOT NULL,
     check_no integer NOT NULL,
     line text NOT NULL,
     hash text NOT NULL,
     PRIMARY KEY (rollout, check_no)
   );
   CREATE TABLE rollgate.audit (
     rollout text NOT NULL,
     seq bigserial,
     request_id text NOT NULL,
     line text NOT NULL,
     PRIMARY KEY (rollout, seq),
     UNIQUE (rollout, request_id)
   );
   CREATE TABLE rollgate.incidents (
     rollout text NOT NULL,
     check_no integer NOT NULL,
     created_unix_ms bigint NOT NULL,
     files jsonb NOT NULL,
     PRIMARY KEY (rollout, check_no)
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema's version in this database: 0 when rollgate's tables are not there. */
export async function schemaVersion(client: ClientBase): Promise<number> {
  const r = await client.query<{ v: number | null }>(`SELECT CASE WHEN to_regclass('rollgate.migrations') IS NULL THEN NULL ELSE 1 END AS v`);
  if (r.rows[0]?.v === null) return 0;
  const m = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM rollgate.migrations');
  return m.rows[0]?.version ?? 0;
}

/** Brings the schema to SCHEMA_VERSION; returns the migrations applied (none: it was current). */
export async function migrate(client: ClientBase): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS rollgate');
    await client.query('CREATE TABLE IF NOT EXISTS rollgate.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const current = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM rollgate.migrations')).rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(`the database's rollgate schema is version ${current}, newer than this rollgate's ${SCHEMA_VERSION}; upgrade rollgate`);
    const applied: number[] = [];
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query('INSERT INTO rollgate.migrations (version) VALUES ($1)', [v]);
      applied.push(v);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
