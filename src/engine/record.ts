/** The decision record (DESIGN §5, contract): one per check, printed and journaled. */
import type { HealthState } from '../tau/health.js';
import type { Decision, RolloutStatus } from './state.js';

export interface PhaseRef {
  name: string;
  index: number;
  traffic: number;
}

export interface GateResult {
  name: string;
  /** The phase that declared it. */
  phase: string;
  surface: string | null;
  result: 'pass' | 'fail' | 'error';
  message: string;
  trace: string[];
}

export interface TriggerResult {
  name: string;
  surface: string | null;
  /** `when` was true at this check (null: it errored). */
  matched: boolean | null;
  streak: number;
  consecutive: number;
  fired: boolean;
  action: 'rollback' | 'hold';
  severity: 'high' | 'medium' | 'low';
  message: string;
  trace: string[];
}

export interface SurfaceSummary {
  present: boolean;
  stale: boolean;
  health_state: HealthState;
  health_reason: string;
  rollout_gate: 'pass' | 'hold';
  paused: boolean;
}

export interface HookResult {
  event: string;
  hook: string;
  ok: boolean;
  message: string;
}

export interface DecisionRecord {
  schema_version: 1;
  rollout: string;
  check: number;
  evaluated_unix_ms: number;
  decision: Decision;
  rollout_gate: 'pass' | 'hold';
  status: RolloutStatus;
  phase: PhaseRef;
  previous_phase: PhaseRef | null;
  reasons: string[];
  gates: GateResult[];
  triggers: TriggerResult[];
  surfaces: Record<string, SurfaceSummary>;
  soak: { required_ms: number; held_ms: number; remaining_ms: number; passing_checks: number; min_checks: number };
  /** What happens next, in a sentence. */
  next: string;
  /** Observations worth knowing that did not decide anything (log rotation, inputs). */
  notes: string[];
  hooks: HookResult[];
  dry_run: boolean;
  spec_digest: string;
  /** Present on records of manual actions (`rollgate control`, the dashboard): who, what and why. */
  override?: { action: string; actor: string; reason: string };
}

export function gateOfDecision(decision: Decision): 'pass' | 'hold' {
  return decision === 'hold' || decision === 'rollback' ? 'hold' : 'pass';
}
