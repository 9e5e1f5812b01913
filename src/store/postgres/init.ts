/** `rollgate store init` on PostgreSQL: the schema created or upgraded, in one sentence. */
import type pg from 'pg';
import { driver } from './driver.js';
import { pgFailure } from './errors.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import { maskUrl } from './url.js';

export async function initPostgres(url: string): Promise<string> {
  const client = new (await driver()).Client({ connectionString: url, application_name: 'rollgate store init', connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const applied = await migrate(client);
    return applied.length === 0
      ? `${maskUrl(url)}: the rollgate schema is current (version ${SCHEMA_VERSION}); nothing to do`
      : `${maskUrl(url)}: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}; the rollgate schema is at version ${SCHEMA_VERSION}`;
  } catch (err) {
    throw pgFailure(err, url, 'create or upgrade the rollgate schema');
  } finally {
    await client.end().catch(() => {});
  }
}
