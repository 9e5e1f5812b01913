/**
 * DESIGN §4 step 8: the rollout state a decision leaves behind (and the one kept instead when a
 * promote or complete hook fails), with the cursors and tallies the next check's windows need.
 */
import { emptyTally } from './log-tally.js';
import type { Observations } from './observations.js';
import type { PhaseSpec, Spec } from '../spec/types.js';
import type { Verdict } from './decide.js';
import type { PhaseMemory, RolloutState, SurfaceMemory } from './state.js';
import type { Counters, TriggerMemory } from './triggers.js';

export interface Transition {
  spec: Spec;
  state: RolloutState;
  obs: Observations;
  phase: PhaseSpec;
  verdict: Verdict;
  reasons: string[];
  triggers: TriggerMemory;
  nowMs: number;
}

/** The phase spec after the decision: the next one on promote, else the same. */
export function phaseAfter(spec: Spec, phase: PhaseSpec, verdict: Verdict): PhaseSpec {
  return verdict.decision === 'promote' ? spec.phases[phase.index + 1]! : phase;
}

export function nextState({ spec, state, obs, phase, verdict, reasons, triggers, nowMs }: Transition): RolloutState {
  const { decision } = verdict;
  const promoted = decision === 'promote';
  const entered = phaseAfter(spec, phase, verdict);
  const { error_streaks: _errors, phase_matches: _matches, ...kept } = state;
  return {
    ...kept,
    status: decision === 'rollback' ? 'rolled_back' : decision === 'complete' ? 'complete' : state.pause ? 'paused' : 'progressing',
    checks: state.checks + 1,
    last_check_unix_ms: nowMs,
    phase: promoted
      ? { index: entered.index, name: entered.name, entered_unix_ms: nowMs, checks: 0, soak_start_unix_ms: nowMs, passing_checks: 0 }
      : stayingPhase(state, verdict, nowMs),
    streaks: triggers.streaks,
    ...optional('error_streaks', triggers.errorStreaks),
    // Counts within the phase restart in the next one.
    ...optional('phase_matches', promoted ? {} : triggers.phaseMatches),
    surfaces: rememberSurfaces(spec, state, obs, promoted),
    last_decision: decision,
    terminal: decision === 'rollback' || decision === 'complete' ? { decision, reasons, at_unix_ms: nowMs, check: state.checks + 1 } : null,
  };
}

/** A counter map in rollout.json only when some trigger keeps one (older states stay byte for byte). */
function optional<K extends 'error_streaks' | 'phase_matches'>(key: K, counters: Counters): Partial<Record<K, Counters>> {
  return Object.keys(counters).length > 0 ? ({ [key]: counters } as Partial<Record<K, Counters>>) : {};
}

/** For promote/complete: the state kept when a hook fails (the phase stays, decision hold). */
export function keptState(next: RolloutState, { spec, state, obs, verdict, triggers, nowMs }: Transition): RolloutState {
  const { phase_matches: _dropped, ...rest } = next;
  return {
    ...rest,
    ...optional('phase_matches', triggers.phaseMatches),
    status: state.pause ? 'paused' : 'progressing',
    phase: stayingPhase(state, verdict, nowMs),
    surfaces: rememberSurfaces(spec, state, obs, false),
    last_decision: 'hold',
    terminal: null,
  };
}

function stayingPhase(state: RolloutState, verdict: Verdict, nowMs: number): PhaseMemory {
  return {
    ...state.phase,
    checks: state.phase.checks + 1,
    soak_start_unix_ms: verdict.restartSoak ? nowMs : state.phase.soak_start_unix_ms,
    passing_checks: verdict.passing,
  };
}

/** Cursors and the tallies the windows need, after this check. */
function rememberSurfaces(spec: Spec, state: RolloutState, obs: Observations, enteringNewPhase: boolean): Record<string, SurfaceMemory> {
  const out: Record<string, SurfaceMemory> = {};
  for (const s of spec.surfaces) {
    const seen = obs.surfaces[s.name];
    const memory = state.surfaces[s.name];
    const cursor = seen?.events.cursor ?? memory?.cursor ?? null;
    const total = cursor?.tally ?? emptyTally();
    const fresh = enteringNewPhase || !memory?.phase_entry;
    out[s.name] = {
      cursor,
      phase_entry: fresh ? total : memory!.phase_entry,
      phase_entry_position: fresh ? (cursor?.position ?? null) : (memory?.phase_entry_position ?? null),
      last_check: total,
      check_before: memory?.last_check ?? null,
      ...(memory?.accepted_doubt ? { accepted_doubt: memory.accepted_doubt } : {}),
    };
  }
  return out;
}
