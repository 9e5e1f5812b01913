/** The decision record (DESIGN §5, contract): one per check, printed and journaled. */
import type { HealthState } from '../tau/health.js';
import type { Decision, RolloutStatus } from './state.js';
import type { MetricEvidence } from './metric-context.js';

export interface PhaseRef {
  name: string;
  index: number;
  traffic: number;
}

/**
 * Where a gate's `rule` or a trigger's `when` is written: the spec file as it was given
 * (spec.file, e.g. `specs/release.yaml`), 1-based line and column. null when the spec was
 * built from an object rather than loaded from YAML (a library caller's literal).
 */
export type RecordSource = { file: string; line: number; col: number } | null;

export interface GateResult {
  name: string;
  /** The phase that declared it. */
  phase: string;
  surface: string | null;
  result: 'pass' | 'fail' | 'error';
  message: string;
  trace: string[];
  /** Where the gate's `rule` is written (for an inherited gate: in the phase that declared it). */
  source: RecordSource;
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
  /** Where the trigger's `when` is written. */
  source: RecordSource;
  /** With `count`: matching checks in the current phase, and how many fire it. */
  count?: { within: 'phase'; matches: number; required: number };
  /** With `onError`: checks in a row at which `when` could not be evaluated, how many fire it, and then what. */
  errors?: { streak: number; consecutive: number; action: 'rollback' | 'hold' };
}

/** A record's copy of a spec position, in a fixed field order (null: the spec has none). */
export function recordSource(source: { file: string; line: number; col: number } | null | undefined): RecordSource {
  if (!source) return null;
  return { file: source.file, line: source.line, col: source.col };
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
  /** Present when the spec declares metrics: each one's query, instant, answer and the value judged. */
  metrics?: Record<string, MetricEvidence>;
  soak: { required_ms: number; held_ms: number; remaining_ms: number; passing_checks: number; min_checks: number };
  /** What happens next, in a sentence. */
  next: string;
  /** Observations worth knowing that did not decide anything (log rotation, inputs). */
  notes: string[];
  hooks: HookResult[];
  dry_run: boolean;
  spec_digest: string;
  /** Present when the spec has `routing:`: the weights the check wanted, found and set. */
  routing?: RoutingEvidence;
  /** Present on records of manual actions (`rollgate control`, the dashboard): who, what and why. */
  override?: { action: string; actor: string; reason: string };
}

/** Percent of requests to each side (they add up to 100). */
export interface TrafficSplit {
  canary: number;
  stable: number;
}

export interface RoutingEvidence {
  provider: 'haproxy' | 'nginx' | 'command';
  /** What was asked, in words: `HAProxy at run/admin.sock (backend app)`. */
  target: string;
  /** The phase's traffic after the check (0 on rollback, 100 on complete). */
  desired: TrafficSplit;
  /** What the balancer had before this check set anything; null when it could not say. */
  actual: TrafficSplit | null;
  /** rollgate set the weights at this check (and they are now `desired`). */
  applied: boolean;
  /** Why reading or setting failed; null when nothing failed. */
  error: string | null;
}

export function gateOfDecision(decision: Decision): 'pass' | 'hold' {
  return decision === 'hold' || decision === 'rollback' ? 'hold' : 'pass';
}
