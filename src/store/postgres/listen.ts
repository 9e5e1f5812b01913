/**
 * Changes on a shared store as they happen: every commit on PostgreSQL notifies channel
 * `rollgate` with the rollout's name, and `serve` listens, so a check made on any host shows on
 * the dashboard within about a second. A hint only: the tables stay the truth, and a lost
 * notification (a dropped session) only delays an update to the next timed refresh.
 */
import type pg from 'pg';
import { driver } from './driver.js';
import { maskUrl } from './url.js';

export const CHANNEL = 'rollgate';
const RETRY_MS = 5_000;

export async function listenForChanges(url: string, onChange: (rollout: string) => void, log: (line: string) => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    const c = new (await driver()).Client({ connectionString: url, application_name: 'rollgate serve (listen)', connectionTimeoutMillis: 10_000 });
    c.on('notification', (n) => onChange(n.payload ?? ''));
    c.on('error', () => retry('the listening session was lost'));
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      client = c;
    } catch {
      await c.end().catch(() => {});
      retry('cannot listen for changes');
    }
  };
  const retry = (why: string) => {
    if (stopped || timer) return;
    client = null;
    log(`${maskUrl(url)}: ${why}; changes show at the next timed refresh until it listens again (retry in ${RETRY_MS / 1000}s)`);
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, RETRY_MS);
    timer.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    if (c) await c.end().catch(() => {});
  };
}
