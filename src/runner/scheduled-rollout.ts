/** A spec as the scheduler sees it: its cron (every 5 minutes, UTC, when it has none) and its last check. */
import type { ScheduledRollout } from '../schedule/scheduler.js';
import type { Spec } from '../spec/types.js';
import { RolloutFolder } from '../store/file-rollout-store.js';

export const DEFAULT_SCHEDULE = { cron: '*/5 * * * *', timezone: 'UTC' };

export function scheduledRollout(spec: Spec, storeDir: string): ScheduledRollout {
  return { name: spec.name, cron: spec.schedule ?? DEFAULT_SCHEDULE, lastCheckMs: new RolloutFolder(storeDir, spec.name).load()?.last_check_unix_ms ?? null };
}
