/** A spec as the scheduler sees it: its cron (every 5 minutes, UTC, when it has none) and its last check. */
import type { ScheduledRollout } from '../schedule/scheduler.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';

export const DEFAULT_SCHEDULE = { cron: '*/5 * * * *', timezone: 'UTC' };

export async function scheduledRollout(spec: Spec, store: string): Promise<ScheduledRollout> {
  const opened = openStore(store, spec.name);
  try {
    const state = await opened.load();
    return { name: spec.name, cron: spec.schedule ?? DEFAULT_SCHEDULE, lastCheckMs: state?.last_check_unix_ms ?? null };
  } finally {
    await opened.close();
  }
}
