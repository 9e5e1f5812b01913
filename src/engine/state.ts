/** What rollgate remembers about a rollout between checks (stored as rollout.json). */
import type { FilePosition, EventCursor } from './observations.js';
import type { LogTally } from './log-tally.js';
import type { HookEvent } from '../spec/types.js';
import type { AcceptedDoubt } from './window-doubt.js';

export type Decision = 'promote' | 'wait' | 'hold' | 'rollback' | 'complete';
export type RolloutStatus = 'progressing' | 'paused' | 'rolled_back' | 'complete';

export interface SurfaceMemory {
  /** Where the event log was read up to (owned by the edge that reads files). */
  cursor: EventCursor | null;
  /** The cumulative tally when the current phase was entered (DESIGN §3 `phase` window). */
  phase_entry: LogTally | null;
  /** Where the log stood when the phase was entered: incident bundles copy from there. */
  phase_entry_position: FilePosition | null;
  /** Tallies at the previous check and the one before (`check`, `previous_check` windows). */
  last_check: LogTally | null;
  check_before: LogTally | null;
  /** Doubt (lost or unreadable lines) an operator accepted with `control acknowledge`; absent: none. */
  accepted_doubt?: AcceptedDoubt;
}

export interface PhaseMemory {
  index: number;
  name: string;
  entered_unix_ms: number;
  /** Checks applied in this phase. */
  checks: number;
  /** Phase entry, or the last check at which the phase held (a gate failed, a trigger held). */
  soak_start_unix_ms: number;
  /** Checks since soak_start at which every gate passed. */
  passing_checks: number;
}

export interface PendingHooks {
  event: HookEvent;
  since_unix_ms: number;
  attempts: number;
  last_error: string;
}

export interface RolloutState {
  schema_version: 1;
  rollout: string;
  spec_digest: string;
  status: RolloutStatus;
  /** Checks applied (the number of the last record in the journal). */
  checks: number;
  started_unix_ms: number;
  last_check_unix_ms: number | null;
  phase: PhaseMemory;
  /** A manual pause (`rollgate control pause`), or null. */
  pause: { actor: string; reason: string; since_unix_ms: number } | null;
  /** Trigger name -> surface name ('' for a trigger without `each`) -> consecutive matching checks. */
  streaks: Record<string, Record<string, number>>;
  /** Triggers with `onError`: consecutive checks at which `when` could not be evaluated (absent: none has `onError`). */
  error_streaks?: Record<string, Record<string, number>>;
  /** Triggers with `count`: matching checks in the current phase (absent: none has `count`). */
  phase_matches?: Record<string, Record<string, number>>;
  surfaces: Record<string, SurfaceMemory>;
  last_decision: Decision | null;
  /** Why a terminal status was reached, repeated by later checks. */
  terminal: { decision: 'rollback' | 'complete'; reasons: string[]; at_unix_ms: number; check: number } | null;
  /** Hooks that failed and are retried at the next checks (rollback hooks). */
  pending_hooks: PendingHooks[];
}

export function isTerminal(state: RolloutState): boolean {
  return state.status === 'rolled_back' || state.status === 'complete';
}
