/** The decision record of one check (DESIGN §5), its fields in the contract's order. */
import type { PhaseSpec, Spec } from '../spec/types.js';
import { gateOfDecision, type DecisionRecord, type PhaseRef, type SurfaceSummary } from './record.js';
import type { RolloutState } from './state.js';
import type { MetricEvidence } from './metric-context.js';

export const phaseRef = (p: PhaseSpec): PhaseRef => ({ name: p.name, index: p.index, traffic: p.traffic });

export type RecordParts = Partial<DecisionRecord> & Pick<DecisionRecord, 'decision' | 'status' | 'reasons' | 'next'>;

export interface RecordFrame {
  spec: Spec;
  state: RolloutState;
  /** The current phase; undefined when the spec no longer has it. */
  phase: PhaseSpec | undefined;
  surfaces: Record<string, SurfaceSummary>;
  /** What the record shows of each metric; null when the spec declares none (the field is left out). */
  metrics: Record<string, MetricEvidence> | null;
  notes: string[];
  nowMs: number;
  dryRun: boolean;
}

/** A record of this check: what `parts` says, and this check's defaults for the rest. */
export function recordOf({ spec, state, phase, surfaces, metrics, notes, nowMs, dryRun }: RecordFrame, parts: RecordParts): DecisionRecord {
  // Fields in the order of DESIGN §5, so records read (and diff) the same every time.
  const r = {
    check: state.checks + 1,
    phase: phase ? phaseRef(phase) : { name: state.phase.name, index: state.phase.index, traffic: 0 },
    previous_phase: null,
    gates: [],
    triggers: [],
    soak: soakOf(phase, state, nowMs, state.phase.passing_checks),
    ...parts,
  };
  return {
    schema_version: 1, rollout: spec.name, check: r.check, evaluated_unix_ms: nowMs,
    decision: r.decision, rollout_gate: gateOfDecision(r.decision), status: r.status,
    phase: r.phase, previous_phase: r.previous_phase, reasons: r.reasons, gates: r.gates, triggers: r.triggers,
    surfaces, ...(metrics ? { metrics } : {}), soak: r.soak, next: r.next, notes, hooks: [], dry_run: dryRun, spec_digest: spec.digest,
  };
}

/** The record's soak: `state`'s soak start and the phase's requirements, at `nowMs`. */
export function soakOf(phase: PhaseSpec | undefined, state: RolloutState, nowMs: number, passing: number): DecisionRecord['soak'] {
  const required = phase?.soakMs ?? 0;
  const held = Math.max(0, nowMs - state.phase.soak_start_unix_ms);
  return { required_ms: required, held_ms: held, remaining_ms: Math.max(0, required - held), passing_checks: passing, min_checks: phase?.minChecks ?? 1 };
}

/** The soak a promoted record shows: the new phase, just entered. */
export function freshSoak(phase: PhaseSpec): DecisionRecord['soak'] {
  return { required_ms: phase.soakMs, held_ms: 0, remaining_ms: phase.soakMs, passing_checks: 0, min_checks: phase.minChecks };
}
