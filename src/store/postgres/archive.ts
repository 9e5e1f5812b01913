/** PostgreSQL's side of `store copy`: a rollout's rows read and written as a RolloutArchive, in one transaction. */
import type pg from 'pg';
import { driver } from './driver.js';
import type { ArchiveStore, RolloutArchive } from '../rollout-archive.js';
import { StoreError } from '../store-error.js';
import { pgFailure } from './errors.js';
import { migrate } from './schema.js';
import { maskUrl } from './url.js';

export function postgresArchive(url: string): ArchiveStore {
  let client: pg.Client | null = null;
  const session = async (doing: string) => {
    if (client) return client;
    const c = new (await driver()).Client({ connectionString: url, application_name: 'rollgate store copy', connectionTimeoutMillis: 10_000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await migrate(c);
    } catch (err) {
      await c.end().catch(() => {});
      throw pgFailure(err, url, doing);
    }
    client = c;
    return c;
  };
  const q = async <T extends pg.QueryResultRow>(doing: string, sql: string, params: unknown[] = []) => {
    const c = await session(doing);
    try {
      return await c.query<T>(sql, params);
    } catch (err) {
      throw pgFailure(err, url, doing);
    }
  };
  return {
    location: maskUrl(url),
    async rollouts() {
      const r = await q<{ name: string }>('list the rollouts', 'SELECT name FROM rollgate.rollouts UNION SELECT DISTINCT rollout FROM rollgate.journal ORDER BY 1');
      return r.rows.map((x) => x.name);
    },
    async read(rollout) {
      const doing = `read rollout ${rollout}`;
      const state = await q<{ state: string }>(doing, 'SELECT state FROM rollgate.rollouts WHERE name = $1', [rollout]);
      const journal = await q<{ line: string }>(doing, 'SELECT line FROM rollgate.journal WHERE rollout = $1 ORDER BY check_no', [rollout]);
      const audit = await q<{ line: string }>(doing, 'SELECT line FROM rollgate.audit WHERE rollout = $1 ORDER BY seq', [rollout]);
      const incidents = await q<{ check_no: number; created_unix_ms: string; files: Record<string, string> }>(doing, 'SELECT check_no, created_unix_ms, files FROM rollgate.incidents WHERE rollout = $1 ORDER BY check_no', [rollout]);
      return {
        rollout,
        state: state.rows[0]?.state ?? null,
        journal: journal.rows.map((r) => r.line + '\n').join(''),
        audit: audit.rows.map((r) => r.line),
        incidents: incidents.rows.map((r) => ({ check: r.check_no, createdMs: Number(r.created_unix_ms), files: new Map(Object.entries(r.files).map(([k, v]) => [k, Buffer.from(v, 'base64')])) })),
      };
    },
    async write(archive: RolloutArchive) {
      const doing = `write rollout ${archive.rollout}`;
      const c = await session(doing);
      const run = async (sql: string, params: unknown[]) => {
        try {
          return await c.query(sql, params);
        } catch (err) {
          throw pgFailure(err, url, doing);
        }
      };
      await run('BEGIN', []);
      try {
        const held = await run('SELECT 1 FROM rollgate.rollouts WHERE name = $1 UNION ALL SELECT 1 FROM rollgate.journal WHERE rollout = $1 LIMIT 1', [archive.rollout]);
        if (held.rowCount) throw new StoreError(`${maskUrl(url)} already holds rollout ${archive.rollout}; copy into a store that does not (nothing was written)`, 64);
        const lines = archive.journal.split('\n');
        if (lines.pop() !== '') throw new StoreError(`the journal of ${archive.rollout} ends in a torn line; run \`rollgate journal --verify\` on the source first (nothing was written)`, 65);
        for (const line of lines) {
          const record = JSON.parse(line) as { check: number; hash: string };
          await run('INSERT INTO rollgate.journal (rollout, check_no, line, hash) VALUES ($1, $2, $3, $4)', [archive.rollout, record.check, line, record.hash]);
        }
        if (archive.state !== null) await run('INSERT INTO rollgate.rollouts (name, version, state) VALUES ($1, 1, $2)', [archive.rollout, archive.state]);
        for (const line of archive.audit) {
          const id = (JSON.parse(line) as { request_id?: string }).request_id ?? line;
          await run('INSERT INTO rollgate.audit (rollout, request_id, line) VALUES ($1, $2, $3) ON CONFLICT (rollout, request_id) DO NOTHING', [archive.rollout, id, line]);
        }
        for (const i of archive.incidents) {
          const files = Object.fromEntries([...i.files].map(([k, v]) => [k, v.toString('base64')]));
          await run('INSERT INTO rollgate.incidents (rollout, check_no, created_unix_ms, files) VALUES ($1, $2, $3, $4) ON CONFLICT (rollout, check_no) DO NOTHING', [archive.rollout, i.check, i.createdMs, JSON.stringify(files)]);
        }
        await run('COMMIT', []);
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    },
    async close() {
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
    },
  };
}
