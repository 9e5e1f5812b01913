/**
 * One check of a rollout (DESIGN §4), as a pure function of the spec, the remembered state,
 * what the edge observed and the instant. No clock, no files, no environment in here: that is
 * what makes `--now`, `simulate` and the tests exact. The lock and the writes (steps 1 and 8)
 * belong to the runner; this is steps 2-7 and the state and record step 8 writes.
 */
import { buildContexts, pausedSurfaces } from './check-context.js';
import { freshSoak, phaseRef, recordOf, soakOf, type RecordFrame } from './check-record.js';
import { decide } from './decide.js';
import { evaluateGates } from './gates.js';
import { keptState, nextState, phaseAfter, type Transition } from './next-state.js';
import type { Observations } from './observations.js';
import type { DecisionRecord, SurfaceSummary } from './record.js';
import type { CheckContext } from './rule-context.js';
import { clockSkew, missingPhase, nextSentence, reasonsOf, retrySentence, specChanged, terminalRepeat, waitRetrySentence } from './sentences.js';
import { isTerminal, type RolloutState } from './state.js';
import type { SurfaceContext } from './surface-context.js';
import { evaluateTriggers } from './triggers.js';
import { windowStatus } from '../time/promotion-window.js';
import type { HookEvent, Spec } from '../spec/types.js';

export interface CheckOptions {
  dryRun: boolean;
  /**
   * List every sub-expression's value in gates[].trace and triggers[].trace (default true).
   * false (simulate's fast mode) also leaves the messages of passing gates and of triggers that
   * did not match empty: nothing decided by them needs explaining.
   */
  trace?: boolean;
}

export interface CheckResult {
  record: DecisionRecord;
  next: RolloutState;
  /** Hook events to run for this decision (none on a dry run). */
  hooks: HookEvent[];
  /**
   * What the check becomes when its change cannot be made: for promote/complete, the phase stays
   * (a failed hook or routing); for wait, a hold whose soak starts again (the traffic is not the
   * phase's). Null for hold and rollback, which stay what they are.
   */
  ifHooksFail: { record: DecisionRecord; next: RolloutState } | null;
  /** False when the check changes nothing (a terminal rollout repeating its decision). */
  changed: boolean;
  /** The data the rules read at this check (the dashboard shows surface ages and health from it). */
  context: CheckContext;
}

export function startState(spec: Spec, nowMs: number): RolloutState {
  const first = spec.phases[0]!;
  return {
    schema_version: 1,
    rollout: spec.name,
    spec_digest: spec.digest,
    status: 'progressing',
    checks: 0,
    started_unix_ms: nowMs,
    last_check_unix_ms: null,
    phase: { index: 0, name: first.name, entered_unix_ms: nowMs, checks: 0, soak_start_unix_ms: nowMs, passing_checks: 0 },
    pause: null,
    streaks: {},
    surfaces: {},
    last_decision: null,
    terminal: null,
    pending_hooks: [],
  };
}

export function check(spec: Spec, previous: RolloutState | null, obs: Observations, nowMs: number, options: CheckOptions): CheckResult {
  // Step 2: the remembered state, or a new rollout in its first phase.
  const state = previous ?? startState(spec, nowMs);
  const notes = previous && previous.spec_digest !== spec.digest ? [specChanged(previous.spec_digest, spec.digest)] : [];
  const phase = spec.phases.find((p) => p.name === state.phase.name);
  // Step 3: what the rules read.
  const context = buildContexts(spec, state, obs, nowMs, phase ?? spec.phases[0]!, notes);
  const frame: RecordFrame = { spec, state, phase, surfaces: summarize(context.surfaces), metrics: spec.metrics?.length ? context.metricEvidence : null, notes, nowMs, dryRun: options.dryRun };
  const holding = (words: { reasons: string[]; next: string }, next: RolloutState): CheckResult =>
    ({ record: recordOf(frame, { decision: 'hold', status: state.status, ...words }), next, hooks: [], ifHooksFail: null, changed: true, context });

  // Step 2: a terminal rollout repeats its decision and changes nothing.
  if (isTerminal(state) && state.terminal) {
    const record = recordOf(frame, { check: state.checks, decision: state.terminal.decision, status: state.status, ...terminalRepeat(state.terminal) });
    return { record, next: state, hooks: [], ifHooksFail: null, changed: false, context };
  }
  // Step 2: clock skew, time went backwards; nothing advances.
  if (state.last_check_unix_ms !== null && nowMs < state.last_check_unix_ms) {
    return holding(clockSkew(nowMs, state.last_check_unix_ms), { ...state, checks: state.checks + 1, last_decision: 'hold' });
  }
  // The remembered phase is gone from the spec: hold until it is back.
  if (!phase) return holding(missingPhase(state.phase.name), { ...state, checks: state.checks + 1, last_check_unix_ms: nowMs, last_decision: 'hold' });

  // Steps 4-7: triggers (paused or not), gates, then the precedence of trigger, pause, gate, soak and window.
  const trace = options.trace !== false;
  const triggers = evaluateTriggers(spec, phase.name, context, { streaks: state.streaks, errorStreaks: state.error_streaks ?? {}, phaseMatches: state.phase_matches ?? {} }, trace);
  const gates = evaluateGates(phase, context, trace);
  const verdict = decide({
    triggers: triggers.results,
    pause: state.pause,
    pausedSurfaces: pausedSurfaces(context, obs),
    gates,
    soak: { heldMs: nowMs - state.phase.soak_start_unix_ms, requiredMs: phase.soakMs, passingBefore: state.phase.passing_checks, minChecks: phase.minChecks },
    last: phase.index === spec.phases.length - 1,
    window: () => (spec.promotionWindow ? windowStatus(spec.promotionWindow, nowMs) : null),
  });
  const { decision } = verdict;
  const entered = phaseAfter(spec, phase, verdict);
  const reasons = reasonsOf(verdict, { phase, nextPhase: spec.phases[phase.index + 1], window: spec.promotionWindow });

  // Step 8: the state this check leaves, and its record.
  const transition: Transition = { spec, state, obs, phase, verdict, reasons, triggers, nowMs };
  const next = nextState(transition);
  const promoted = decision === 'promote';
  const record = recordOf(frame, {
    decision,
    status: next.status,
    phase: phaseRef(entered),
    previous_phase: promoted ? phaseRef(phase) : null,
    reasons,
    gates,
    triggers: triggers.results,
    soak: promoted ? freshSoak(entered) : soakOf(phase, next, nowMs, verdict.passing),
    next: nextSentence(verdict, phase, entered, next, nowMs),
  });

  // Hooks; a promote or complete whose hooks fail keeps the phase (decision hold).
  const hooks: HookEvent[] = options.dryRun || decision === 'wait' || decision === 'hold' ? [] : [decision];
  let ifHooksFail: CheckResult['ifHooksFail'] = null;
  if (decision === 'promote' || decision === 'complete') {
    const keep = keptState(next, transition);
    const held: DecisionRecord = {
      ...record, decision: 'hold', rollout_gate: 'hold', status: keep.status, phase: phaseRef(phase), previous_phase: null,
      soak: soakOf(phase, keep, nowMs, verdict.passing), next: retrySentence(decision),
    };
    ifHooksFail = { next: keep, record: held };
  } else if (decision === 'wait') {
    // The traffic is not where the phase puts it (routing could not set it): nothing this soak
    // measured counts, so the check holds and the soak starts again.
    const keep: RolloutState = { ...next, last_decision: 'hold', phase: { ...next.phase, soak_start_unix_ms: nowMs, passing_checks: 0 } };
    const held: DecisionRecord = { ...record, decision: 'hold', rollout_gate: 'hold', soak: soakOf(phase, keep, nowMs, 0), next: waitRetrySentence() };
    ifHooksFail = { next: keep, record: held };
  }
  return { record, next, hooks, ifHooksFail, changed: true, context };
}

/** The data rules read at a check, built exactly as check() builds it (status displays, tests). */
export function checkContext(spec: Spec, previous: RolloutState | null, obs: Observations, nowMs: number): CheckContext {
  const state = previous ?? startState(spec, nowMs);
  const phase = spec.phases.find((p) => p.name === state.phase.name) ?? spec.phases[0]!;
  return buildContexts(spec, state, obs, nowMs, phase, []);
}

/** What a decision record says of each surface. */
export function summarize(surfaces: Record<string, SurfaceContext>): Record<string, SurfaceSummary> {
  const out: Record<string, SurfaceSummary> = {};
  for (const [name, s] of Object.entries(surfaces)) {
    out[name] = { present: s.present, stale: s.stale, health_state: s.health_state, health_reason: s.health_reason, rollout_gate: s.rollout_gate, paused: s.paused };
  }
  return out;
}
