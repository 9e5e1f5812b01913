/**
 * The PostgreSQL harness itself (test/helpers/postgres-server.ts): the shared server of the run
 * takes the password it was given and no other, freshDatabase() gives isolated databases, and a
 * private server can be stopped (connections refused) and started again with its data.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { freshDatabase, psql, startPrivateServer, startServer, stopServer, urlFor } from '../helpers/postgres-server.js';

async function connectError(url: string): Promise<{ code?: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    return err as { code?: string };
  } finally {
    await client.end().catch(() => undefined);
  }
  throw new Error(`connected to ${url}`);
}

describe('the shared PostgreSQL server', () => {
  const server = inject('postgres');

  it('is a real server on 127.0.0.1, not run as root', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`postgres://rollgate:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/rollgate`);
    expect(server.runAs).toBe(process.getuid?.() === 0 ? 'nobody' : null);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string; who: string }>('SELECT version(), current_database() AS db, current_user AS who');
      expect(rows[0]?.version.startsWith('PostgreSQL')).toBe(true);
      expect(rows[0]?.db).toBe('rollgate');
      expect(rows[0]?.who).toBe('rollgate');
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password (28P01), over TCP and over the unix socket', async () => {
    const wrong = { ...server, password: `${server.password}x` };
    expect((await connectError(urlFor(wrong, 'rollgate'))).code).toBe('28P01');
    const viaSocket = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, password: 'nope', database: 'rollgate' });
    await expect(viaSocket.connect()).rejects.toMatchObject({ code: '28P01' });
    await viaSocket.end().catch(() => undefined);
    const rightViaSocket = await psql(
      `postgres://${server.user}:${encodeURIComponent(server.password)}@${encodeURIComponent(server.socketDir)}:${server.port}/rollgate`,
      'SELECT 1 AS one',
    );
    expect(rightViaSocket).toEqual([{ one: 1 }]);
  });

  it('freshDatabase gives a distinct, empty database each call', async () => {
    const a = await freshDatabase('smoke');
    const b = await freshDatabase();
    expect(a).not.toBe(b);
    const [nameA] = await psql<{ db: string }>(a, 'SELECT current_database() AS db');
    const [nameB] = await psql<{ db: string }>(b, 'SELECT current_database() AS db');
    expect(nameA?.db).toMatch(/^rg_smoke_[0-9a-f]{12}$/);
    expect(nameB?.db).toMatch(/^rg_[0-9a-f]{12}$/);
    const tables = "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'";
    expect(await psql(a, tables)).toEqual([{ n: 0 }]);
    await psql(a, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)');
    expect(await psql(a, 'SELECT sum(x)::int AS s FROM t')).toEqual([{ s: 3 }]);
    expect(await psql(b, tables)).toEqual([{ n: 0 }]);
    expect(await psql(b, 'SELECT $1::text AS echo', ['hi'])).toEqual([{ echo: 'hi' }]);
  });

  it('will not be stopped by a test', async () => {
    await expect(stopServer(server)).rejects.toThrow(/startPrivateServer/);
    await expect(startServer(server)).rejects.toThrow(/startPrivateServer/);
  });
});

describe('a private server', () => {
  it('stops (connections refused), starts again with its data, and closes without a trace', async () => {
    const shared = inject('postgres');
    const own = await startPrivateServer();
    try {
      expect(own.port).not.toBe(shared.port);
      expect(own.password).not.toBe(shared.password);
      await psql(own.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');

      await own.stop();
      expect((await connectError(own.url)).code).toBe('ECONNREFUSED');
      // The shared server is untouched.
      expect(await psql(shared.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);

      await own.start();
      expect(await psql(own.url, 'SELECT x FROM kept')).toEqual([{ x: 42 }]);

      // The same through the exported functions.
      await stopServer(own);
      expect((await connectError(own.url)).code).toBe('ECONNREFUSED');
      await startServer(own);
      expect(await psql(own.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 1 }]);
    } finally {
      await own.close();
    }
    expect(existsSync(dirname(own.dataDir))).toBe(false);
    expect((await connectError(own.url)).code).toBe('ECONNREFUSED');
  });
});
