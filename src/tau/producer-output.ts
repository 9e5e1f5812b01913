/** What a Tau runtime writes after a cycle (tau-formats §2-§3): the snapshot and one cycle report. */
import { classifyHealth } from './health.js';
import type { HealthSnapshot } from './health.js';

const COLLECTIONS: Record<string, Record<string, unknown[]>> = {
  dashboard: { widget_views: [], control_audit: [] },
  'custom-command': { commands: [] },
  voice: { interactions: [] },
  memory: { entries: [] },
  deployment: { rollouts: [] },
  browser: { results: [] },
};

/** A fresh state.json for a surface kind. */
export function emptyState(kind: string | null): Record<string, unknown> {
  return { schema_version: 1, processed_case_keys: [], ...(COLLECTIONS[kind ?? 'custom-command'] ?? {}) };
}

/** One full cycle report, as a real runtime writes it. */
export function cycleLine(health: HealthSnapshot, codes: readonly string[], timestampMs: number): string {
  const c = classifyHealth(health);
  return JSON.stringify({
    timestamp_unix_ms: timestampMs, health_state: c.state, health_reason: c.reason, reason_codes: codes.length > 0 ? codes : ['healthy_cycle'],
    discovered_cases: health.last_cycle_discovered, queued_cases: health.last_cycle_discovered, applied_cases: health.last_cycle_completed,
    duplicate_skips: health.last_cycle_duplicates, malformed_cases: 0, retryable_failures: 0, retry_attempts: 0,
    failed_cases: health.last_cycle_failed, backlog_cases: health.queue_depth, failure_streak: health.failure_streak,
  });
}
