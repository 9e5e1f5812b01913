/**
 * The RolloutStore on PostgreSQL, shared by every evaluator on every host.
 *
 * - The lock is a session advisory lock held on this store's own connection: another evaluator
 *   gets 75 at once; a crashed evaluator's lock goes with its session (no stale-lock rule).
 * - Everything a locked operation writes goes through that same session, so an evaluator that
 *   lost it (killed, pg_terminate_backend, network) writes nothing.
 * - commit() is one transaction: the journal row (its primary key (rollout, check) makes a
 *   double append impossible), the state row compared-and-set on the version load() saw
 *   (fencing), and a manual action's audit line. Nothing is half-written, so recover() has
 *   nothing to do.
 * Credentials come from the URL, PGPASSWORD, ~/.pgpass or the PG* variables (node-postgres
 * reads them as libpq does) and never appear in a message or record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { driver } from './driver.js';
import type { DecisionRecord } from '../../engine/record.js';
import type { RolloutState } from '../../engine/state.js';
import { isoOf } from '../../time/instant.js';
import { auditLineOf, type AuditLine } from '../audit.js';
import { faultPoint } from '../fault.js';
import { collectIncident } from '../incident-bundle.js';
import { agreement, auditLinesAgreement } from '../journal-agreement.js';
import { EMPTY_CHECK, type JournalCheck } from '../journal-check.js';
import { chainedLine, GENESIS, verifyJournalText } from '../journal.js';
import type { RolloutStore, StoreLock } from '../rollout-store.js';
import { stateInstantProblem } from '../file-rollout-store.js';
import { StoreError } from '../store-error.js';
import { pgFailure } from './errors.js';
import { LOCK_SPACE, migrate, schemaVersion, SCHEMA_VERSION } from './schema.js';
import { CHANNEL } from './listen.js';
import { maskUrl } from './url.js';

export function postgresStore(url: string, rollout: string): RolloutStore {
  return new PostgresStore(url, rollout);
}

/**
 * One pool per URL in a process: `run` over fifty rollouts reuses a few sessions instead of
 * opening (and authenticating) one per rollout. A store holds its session from first use to
 * close(); a session that may still hold a lock (its unlock failed) is destroyed, never reused.
 * Idle sessions do not keep the process alive.
 */
const pools = new Map<string, pg.Pool>();
/** URLs whose schema this process has seen current (checked once per process, not per rollout). */
const current = new Set<string>();

async function poolOf(url: string): Promise<pg.Pool> {
  const known = pools.get(url);
  if (known) return known;
  const { Pool } = await driver();
  // Another caller may have made it while the driver loaded.
  if (pools.has(url)) return pools.get(url)!;
  const pool = new Pool({ connectionString: url, application_name: `rollgate pid ${process.pid} on ${hostname()}`.slice(0, 63), connectionTimeoutMillis: 10_000, allowExitOnIdle: true, idleTimeoutMillis: 10_000, max: 10 });
  // A session the server ends while idle in the pool must not crash the process.
  pool.on('error', () => {});
  pools.set(url, pool);
  return pool;
}

class PostgresStore implements RolloutStore {
  readonly location: string;
  readonly journalLocation: string;
  private client: pg.PoolClient | null = null;
  private connecting: Promise<pg.PoolClient> | null = null;
  /** The session may hold this rollout's lock: it goes back to the pool only once unlocked. */
  private locked = false;
  /** The state row's version load() saw: commit() writes only if it is still that (null: no row). */
  private loadedVersion: number | null = null;
  private hookDir: string | null = null;
  private ready = false;

  constructor(
    private readonly url: string,
    readonly rollout: string,
  ) {
    this.location = `${maskUrl(url)} (rollout ${rollout})`;
    this.journalLocation = `${maskUrl(url)} rollgate.journal (rollout ${rollout})`;
  }

  /** Hook commands read the record from a private temp file (the database has no file to give them). */
  get hookRecordPath(): string {
    this.hookDir ??= mkdtempSync(join(tmpdir(), 'rollgate-hook-'));
    return join(this.hookDir, 'record.json');
  }

  private async session(doing: string): Promise<pg.PoolClient> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = await (await poolOf(this.url)).connect();
      // A session the server ends while this store holds it must not crash the process: the next query says so.
      client.on('error', () => {});
      this.client = client;
      return client;
    })();
    try {
      return await this.connecting;
    } catch (err) {
      this.connecting = null;
      throw pgFailure(err, this.url, doing);
    }
  }

  /** A query failed on this session: it is not handed back to the pool. */
  private broken = false;

  private async run<T extends pg.QueryResultRow>(doing: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
    const client = await this.session(doing);
    try {
      return await client.query<T>(sql, params);
    } catch (err) {
      this.broken = true;
      throw pgFailure(err, this.url, doing);
    }
  }

  /** The tables, created or upgraded on first use (what `rollgate store init` does). */
  private async schema(doing: string): Promise<void> {
    if (this.ready || current.has(this.url)) {
      this.ready = true;
      return;
    }
    const client = await this.session(doing);
    try {
      if ((await schemaVersion(client)) < SCHEMA_VERSION) await migrate(client);
    } catch (err) {
      this.broken = true;
      throw pgFailure(err, this.url, doing);
    }
    this.ready = true;
    current.add(this.url);
  }

  /** Read paths on a database without rollgate's tables see an empty store. */
  private async hasSchema(doing: string): Promise<boolean> {
    if (this.ready || current.has(this.url)) return true;
    const client = await this.session(doing);
    try {
      return (await schemaVersion(client)) > 0;
    } catch (err) {
      throw pgFailure(err, this.url, doing);
    }
  }

  async lock(): Promise<StoreLock> {
    await this.schema('take the rollout lock');
    const got = await this.run<{ ok: boolean }>('take the rollout lock', 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_SPACE, this.rollout]);
    if (!got.rows[0]?.ok) throw new StoreError(await this.holderSentence(), 75);
    this.locked = true;
    faultPoint('holding-lock');
    return {
      recovered: null,
      release: async () => {
        const r = await this.run<{ ok: boolean }>('release the rollout lock', 'SELECT pg_advisory_unlock($1, hashtext($2)) AS ok', [LOCK_SPACE, this.rollout]).catch(() => null);
        // Unlocked for certain, or the session is destroyed at close() (ending it releases the lock).
        if (r?.rows[0]?.ok) this.locked = false;
      },
    };
  }

  private async holderSentence(): Promise<string> {
    const r = await this.run<{ application_name: string; backend_start: Date; addr: string | null }>(
      'find the lock holder',
      `SELECT a.application_name, a.backend_start, host(a.client_addr) AS addr
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid
          AND l.objid = (hashtext($2)::bigint & 4294967295)::oid AND l.objsubid = 2`,
      [LOCK_SPACE, this.rollout],
    ).catch(() => null);
    const h = r?.rows[0];
    return h
      ? `the rollout is locked by another check (${h.application_name || 'a session'}${h.addr ? ` from ${h.addr}` : ''} since ${isoOf(h.backend_start.getTime())}); try again when it finishes`
      : 'the rollout is locked by another check; try again when it finishes';
  }

  async recover(): Promise<string | null> {
    return null; // Every write is one transaction: there is nothing half-done to finish.
  }

  async load(): Promise<RolloutState | null> {
    if (!(await this.hasSchema('read the rollout state'))) return null;
    const r = await this.run<{ version: string; state: string }>('read the rollout state', 'SELECT version, state FROM rollgate.rollouts WHERE name = $1', [this.rollout]);
    const row = r.rows[0];
    if (!row) {
      this.loadedVersion = null;
      return null;
    }
    let state: RolloutState;
    try {
      state = JSON.parse(row.state) as RolloutState;
    } catch (err) {
      throw new StoreError(`${this.location}: the state row is not valid JSON (${(err as Error).message}); restore it from a backup, or delete the row to start the rollout again`, 65);
    }
    if (state?.schema_version !== 1 || typeof state.phase?.name !== 'string' || typeof state.checks !== 'number') {
      throw new StoreError(`${this.location}: the state row is not a rollgate rollout state (schema_version 1); restore it, or delete the row to start again`, 65);
    }
    const bad = stateInstantProblem(state);
    if (bad) throw new StoreError(`${this.location}: the state row is corrupt: ${bad}; restore it from a backup, or delete the row to start again`, 65);
    this.loadedVersion = Number(row.version);
    return state;
  }

  async save(state: RolloutState): Promise<void> {
    await this.transaction('save the rollout state', async (q) => {
      await this.fencedWrite(q, state);
    });
  }

  async commit(next: RolloutState, record: DecisionRecord): Promise<{ repaired: null }> {
    await this.transaction('journal the check', async (q) => {
      const last = await q<{ hash: string; check_no: number }>('SELECT hash, check_no FROM rollgate.journal WHERE rollout = $1 ORDER BY check_no DESC LIMIT 1', [this.rollout]);
      const { line, hash } = chainedLine(last.rows[0]?.hash ?? GENESIS, record);
      const inserted = await q('INSERT INTO rollgate.journal (rollout, check_no, line, hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [this.rollout, record.check, line, hash]);
      if (inserted.rowCount === 0) throw new StoreError(`${this.location}: check ${record.check} is already journaled (another evaluator applied it first); nothing was written`, 75);
      await this.fencedWrite(q, next);
      const audit = auditLineOf(record);
      if (audit) await this.insertAudit(q, audit);
      // Delivered at COMMIT, to every `serve` listening (listen.ts).
      await q('SELECT pg_notify($1, $2)', [CHANNEL, this.rollout]);
      faultPoint('after-journal');
    });
    return { repaired: null };
  }

  /** The state row, written only if it is still at the version this evaluator loaded. */
  private async fencedWrite(q: Query, state: RolloutState): Promise<void> {
    const text = JSON.stringify(state, null, 2) + '\n';
    const written = this.loadedVersion === null
      ? await q('INSERT INTO rollgate.rollouts (name, version, state) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING', [this.rollout, text])
      : await q('UPDATE rollgate.rollouts SET state = $2, version = version + 1, updated_at = now() WHERE name = $1 AND version = $3', [this.rollout, text, this.loadedVersion]);
    if (written.rowCount === 0) throw new StoreError(`${this.location}: another evaluator changed the rollout since this one read it (fencing); nothing was written`, 75);
    this.loadedVersion = (this.loadedVersion ?? 0) + 1;
  }

  private async insertAudit(q: Query, line: AuditLine): Promise<void> {
    await q('INSERT INTO rollgate.audit (rollout, request_id, line) VALUES ($1, $2, $3) ON CONFLICT (rollout, request_id) DO NOTHING', [this.rollout, line.request_id, JSON.stringify(line)]);
  }

  /** A manual action's line is written with its record (commit); a line of its own (a dashboard refresh) here. */
  async audit(line: AuditLine): Promise<void> {
    await this.schema('write the audit line');
    await this.transaction('write the audit line', (q) => this.insertAudit(q, line));
  }

  async writeIncident(spec: Parameters<RolloutStore['writeIncident']>[0], record: DecisionRecord, before: RolloutState | null, resolveDir: (stateDir: string) => string): Promise<string> {
    const bundle = collectIncident(spec, record, before, resolveDir);
    const files = Object.fromEntries([...bundle.files].map(([name, bytes]) => [name, bytes.toString('base64')]));
    await this.transaction('keep the incident bundle', (q) => q('INSERT INTO rollgate.incidents (rollout, check_no, created_unix_ms, files) VALUES ($1, $2, $3, $4) ON CONFLICT (rollout, check_no) DO UPDATE SET files = EXCLUDED.files, created_unix_ms = EXCLUDED.created_unix_ms', [this.rollout, record.check, record.evaluated_unix_ms, JSON.stringify(files)]));
    return `incident bundle kept in the store's rollgate.incidents table (rollout ${this.rollout}, check ${record.check})`;
  }

  async history(limit: number): Promise<DecisionRecord[]> {
    if (!(await this.hasSchema('read the journal'))) return [];
    const r = await this.run<{ line: string }>('read the journal', 'SELECT line FROM (SELECT check_no, line FROM rollgate.journal WHERE rollout = $1 ORDER BY check_no DESC LIMIT $2) t ORDER BY check_no', [this.rollout, Math.min(limit, 1_000_000)]);
    const out: DecisionRecord[] = [];
    for (const { line } of r.rows) {
      try {
        out.push(JSON.parse(line) as DecisionRecord);
      } catch {
        // journal --verify says what is wrong with it; the chart shows the rest.
      }
    }
    return out;
  }

  async verify(): Promise<JournalCheck> {
    if (!(await this.hasSchema('verify the journal'))) return EMPTY_CHECK;
    const journal = await this.run<{ line: string }>('verify the journal', 'SELECT line FROM rollgate.journal WHERE rollout = $1 ORDER BY check_no', [this.rollout]);
    let state: RolloutState | null = null;
    let stateProblem: string | null = null;
    try {
      state = await this.load();
    } catch (err) {
      if (!(err instanceof StoreError) || err.exitCode !== 65) throw err;
      stateProblem = err.message;
    }
    if (journal.rows.length === 0 && state === null && stateProblem === null) return EMPTY_CHECK;
    const verification = verifyJournalText(journal.rows.map((r) => r.line + '\n').join(''));
    const audit = await this.run<{ line: string }>('verify the audit lines', 'SELECT line FROM rollgate.audit WHERE rollout = $1 ORDER BY seq', [this.rollout]);
    const lines = audit.rows.flatMap((r) => {
      try {
        return [JSON.parse(r.line) as Partial<AuditLine>];
      } catch {
        return [];
      }
    });
    const agree = stateProblem ? { ok: false, problem: stateProblem } : agreement(state, verification.entries[verification.entries.length - 1]?.record);
    const auditAgree = auditLinesAgreement(verification.entries, lines, 'rollgate.audit', null);
    return { empty: false, verification, state: agree, audit: auditAgree, ok: verification.ok && agree.ok && auditAgree.ok };
  }

  private async transaction(doing: string, body: (q: Query) => Promise<unknown>): Promise<void> {
    const client = await this.session(doing);
    const q: Query = async (sql, params = []) => {
      try {
        return await client.query(sql, params);
      } catch (err) {
        this.broken = true;
        throw pgFailure(err, this.url, doing);
      }
    };
    await q('BEGIN');
    try {
      await body(q);
      await q('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    if (this.hookDir) rmSync(this.hookDir, { recursive: true, force: true });
    this.hookDir = null;
    // A session that may still hold the lock, or that failed, is destroyed rather than reused.
    if (client) client.release(this.locked || this.broken ? true : undefined);
    this.locked = false;
  }
}

type Query = <T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<T>>;
