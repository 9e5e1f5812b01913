/** The producer's health classification and rollout gate (tau-formats §4), as pure functions. */

/** The health fields of state.json (tau-formats §2): non-negative integers, 0 when absent. */
export const HEALTH_FIELDS = [
  'updated_unix_ms', 'cycle_duration_ms', 'queue_depth', 'active_runs', 'failure_streak',
  'last_cycle_discovered', 'last_cycle_processed', 'last_cycle_completed', 'last_cycle_failed', 'last_cycle_duplicates',
] as const;
export type HealthSnapshot = Record<(typeof HEALTH_FIELDS)[number], number>;

const ZERO_HEALTH = Object.fromEntries(HEALTH_FIELDS.map((f) => [f, 0])) as HealthSnapshot;

/** A fresh all-zero snapshot (a copy: callers fill it in). */
export function zeroHealth(): HealthSnapshot {
  return { ...ZERO_HEALTH };
}

export type HealthState = 'healthy' | 'degraded' | 'failing' | 'unknown';

export interface Classification {
  state: HealthState;
  reason: string;
}

export const PAUSE_REASON = 'operator pause action is active';

/** First match wins: failing, degraded, healthy. */
export function classifyHealth(h: HealthSnapshot): Classification {
  if (h.failure_streak >= 3) {
    return { state: 'failing', reason: `transport failures are sustained (failure_streak=${h.failure_streak})` };
  }
  if (h.failure_streak > 0 || h.last_cycle_failed > 0) {
    return { state: 'degraded', reason: `recent transport failures observed (failure_streak=${h.failure_streak}, last_cycle_failed=${h.last_cycle_failed})` };
  }
  return { state: 'healthy', reason: 'no recent transport failures observed' };
}

/** An operator pause turns a healthy surface degraded (and its gate hold); worse states stay. */
export function applyPause(c: Classification, paused: boolean): Classification {
  return paused && c.state === 'healthy' ? { state: 'degraded', reason: PAUSE_REASON } : c;
}

/**
 * The reason reported: the last valid cycle report's non-blank health_reason, else the
 * classification's. A pause overrides both: it is the reason the gate holds.
 */
export function reportedReason(c: Classification, lastReason: string | null, paused: boolean): string {
  if (paused && c.reason === PAUSE_REASON) return PAUSE_REASON;
  return lastReason !== null && lastReason.trim() !== '' ? lastReason : c.reason;
}

export function gateOf(state: HealthState): 'pass' | 'hold' {
  return state === 'healthy' ? 'pass' : 'hold';
}
