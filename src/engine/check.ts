/**
 * One check of a rollout (DESIGN §4), as a pure function of the spec, the remembered state,
 * what the edge observed and the instant. No clock, no files, no environment in here: that is
 * what makes `--now`, `simulate` and the tests exact.
 */
import { RUNNING } from './observations.js';
import { eventWindows } from './event-windows.js';
import { isoOf } from '../time/instant.js';
import { emptyTally } from './log-tally.js';
import { buildSurfaceContext, type SurfaceContext } from './surface-context.js';
import { windowStatus } from '../time/promotion-window.js';
import { formatDuration } from '../time/duration.js';
import type { HookEvent, PhaseSpec, Spec } from '../spec/types.js';
import { evaluateGates } from './gates.js';
import type { Observations } from './observations.js';
import { gateOfDecision, type DecisionRecord, type GateResult, type PhaseRef, type SurfaceSummary, type TriggerResult } from './record.js';
import type { CheckContext } from './rule-context.js';
import { isTerminal, type Decision, type RolloutState, type SurfaceMemory } from './state.js';
import { evaluateTriggers } from './triggers.js';
import { unknownWindows, type WindowName } from './window-doubt.js';

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
  /** For promote/complete: what to keep instead when a hook fails (the phase stays, decision hold). */
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

const ref = (p: PhaseSpec): PhaseRef => ({ name: p.name, index: p.index, traffic: p.traffic });
const at = (ms: number) => isoOf(ms);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function check(spec: Spec, previous: RolloutState | null, obs: Observations, nowMs: number, options: CheckOptions): CheckResult {
  const state = previous ?? startState(spec, nowMs);
  const notes: string[] = [];
  if (previous && previous.spec_digest !== spec.digest) notes.push(`the spec changed since the rollout started (${previous.spec_digest.slice(0, 19)}… -> ${spec.digest.slice(0, 19)}…)`);

  const phase = spec.phases.find((p) => p.name === state.phase.name);
  const contexts = buildContexts(spec, state, obs, nowMs, phase ?? spec.phases[0]!, notes);
  const summaries = summarize(contexts.surfaces);

  // Fields in the order of DESIGN §5, so records read (and diff) the same every time.
  const base = (over: Partial<DecisionRecord> & Pick<DecisionRecord, 'decision' | 'status' | 'reasons' | 'next'>): DecisionRecord => {
    const r = {
      check: state.checks + 1,
      phase: phase ? ref(phase) : { name: state.phase.name, index: state.phase.index, traffic: 0 },
      previous_phase: null,
      gates: [],
      triggers: [],
      soak: soakOf(phase, state, nowMs, state.phase.passing_checks),
      ...over,
    };
    return {
      schema_version: 1, rollout: spec.name, check: r.check, evaluated_unix_ms: nowMs,
      decision: r.decision, rollout_gate: gateOfDecision(r.decision), status: r.status,
      phase: r.phase, previous_phase: r.previous_phase, reasons: r.reasons, gates: r.gates, triggers: r.triggers,
      surfaces: summaries, soak: r.soak, next: r.next, notes, hooks: [], dry_run: options.dryRun, spec_digest: spec.digest,
    };
  };

  // A terminal rollout repeats its decision and changes nothing.
  if (isTerminal(state) && state.terminal) {
    const { decision, at_unix_ms, check: when, reasons } = state.terminal;
    const record = base({
      check: state.checks,
      decision,
      status: state.status,
      reasons: [`the rollout ${decision === 'rollback' ? 'was rolled back' : 'completed'} at check ${when} (${at(at_unix_ms)}); nothing changes`, ...reasons],
      next: decision === 'rollback' ? '`rollgate control retry` starts it again from the first phase' : 'nothing more to do',
    });
    return { record, next: state, hooks: [], ifHooksFail: null, changed: false, context: contexts };
  }

  // Clock skew: time went backwards; nothing advances.
  if (state.last_check_unix_ms !== null && nowMs < state.last_check_unix_ms) {
    const record = base({
      decision: 'hold',
      status: state.status,
      reasons: [`clock skew: this check is at ${at(nowMs)}, before the previous check at ${at(state.last_check_unix_ms)}; nothing advances until the clock passes it; if the previous check ran with a wrong clock, \`rollgate control <spec> reset-clock --reason …\` undoes it`],
      next: 'the next check after the previous check time decides again',
    });
    return { record, next: { ...state, checks: state.checks + 1, last_decision: 'hold' }, hooks: [], ifHooksFail: null, changed: true, context: contexts };
  }

  if (!phase) {
    const record = base({
      decision: 'hold',
      status: state.status,
      reasons: [`the rollout is in phase \`${state.phase.name}\`, which the spec no longer has; restore the phase, or start again with \`rollgate control retry\``],
      next: 'holding until the spec has the phase again',
    });
    return { record, next: { ...state, checks: state.checks + 1, last_check_unix_ms: nowMs, last_decision: 'hold' }, hooks: [], ifHooksFail: null, changed: true, context: contexts };
  }

  const triggers = evaluateTriggers(spec, phase.name, contexts, state.streaks, options.trace !== false);
  const gates = evaluateGates(phase, contexts, options.trace !== false);
  const firedRollback = triggers.results.filter((t) => t.fired && t.action === 'rollback');
  const firedHold = triggers.results.filter((t) => t.fired && t.action === 'hold');
  const triggerErrors = triggers.results.filter((t) => t.matched === null);
  const failing = gates.filter((g) => g.result !== 'pass');
  const pausedSurfaces = Object.values(contexts.surfaces).filter((s) => s.paused).map((s) => s.name);
  const paused = state.pause !== null || pausedSurfaces.length > 0;

  const reasons: string[] = [];
  let decision: Decision;
  let restartSoak = false;
  if (firedRollback.length > 0) {
    decision = 'rollback';
    reasons.push(...firedRollback.map(triggerReason));
  } else if (firedHold.length > 0 || triggerErrors.length > 0) {
    decision = 'hold';
    restartSoak = true;
    reasons.push(...firedHold.map(triggerReason), ...triggerErrors.map((t) => `trigger \`${t.name}\`${on(t.surface)} ${t.message}; an erroring trigger holds`));
  } else if (paused) {
    decision = 'hold';
    // A gate failing while paused still restarts the soak: a pause must not hide a failure.
    restartSoak = failing.length > 0;
    if (state.pause) reasons.push(`paused by ${state.pause.actor} since ${at(state.pause.since_unix_ms)}: ${state.pause.reason}`);
    for (const name of pausedSurfaces) {
      const control = obs.surfaces[name]?.control;
      reasons.push(control?.mode === 'unknown' && control.note ? `surface \`${name}\`: ${control.note}` : `surface \`${name}\` is paused by its operator (control-state.json mode: paused)`);
    }
  } else if (failing.length > 0) {
    decision = 'hold';
    restartSoak = true;
  } else {
    decision = 'wait'; // refined below once the soak is known
  }
  if (decision !== 'rollback') reasons.push(...failing.map(gateReason));

  const allPass = failing.length === 0 && decision === 'wait';
  const passing = allPass ? state.phase.passing_checks + 1 : restartSoak ? 0 : state.phase.passing_checks;
  const soakStart = restartSoak ? nowMs : state.phase.soak_start_unix_ms;
  const held = nowMs - soakStart;
  const soaked = allPass && held >= phase.soakMs && passing >= phase.minChecks;
  const last = phase.index === spec.phases.length - 1;
  let windowNote: string | null = null;
  if (soaked) {
    const window = spec.promotionWindow ? windowStatus(spec.promotionWindow, nowMs) : { open: true, next_open_unix_ms: null };
    if (window.open) {
      decision = last ? 'complete' : 'promote';
      const gateCount = new Set(gates.map((g) => g.name)).size;
      reasons.push(last
        ? `${phase.name} soaked ${formatDuration(held)} with all ${plural(gateCount, 'gate')} passing: the rollout is complete`
        : `all ${plural(gateCount, 'gate')} passed and ${phase.name} soaked ${formatDuration(held)} (${plural(passing, 'passing check')}): promoting to ${spec.phases[phase.index + 1]!.name} (${spec.phases[phase.index + 1]!.traffic}%)`);
    } else {
      windowNote = window.next_open_unix_ms !== null ? at(window.next_open_unix_ms) : 'never (check the cron)';
      reasons.push(`${phase.name} has soaked, but it is outside the promotion window (\`${spec.promotionWindow!.cron}\` ${spec.promotionWindow!.timezone}); it next opens at ${windowNote}`);
    }
  } else if (allPass) {
    const left = Math.max(0, phase.soakMs - held);
    const more = Math.max(0, phase.minChecks - passing);
    reasons.push(`all gates pass; soaking ${phase.name}: ${formatDuration(held)} of ${formatDuration(phase.soakMs)} held${left > 0 ? `, ${formatDuration(left)} left` : ''}${more > 0 ? `, ${plural(more, 'more passing check')} needed (minChecks ${phase.minChecks})` : ''}`);
  }

  // The next state.
  const promoted = decision === 'promote';
  const nextPhaseSpec = promoted ? spec.phases[phase.index + 1]! : phase;
  const surfaces = rememberSurfaces(spec, state, obs, promoted);
  const next: RolloutState = {
    ...state,
    status: decision === 'rollback' ? 'rolled_back' : decision === 'complete' ? 'complete' : state.pause ? 'paused' : 'progressing',
    checks: state.checks + 1,
    last_check_unix_ms: nowMs,
    phase: promoted
      ? { index: nextPhaseSpec.index, name: nextPhaseSpec.name, entered_unix_ms: nowMs, checks: 0, soak_start_unix_ms: nowMs, passing_checks: 0 }
      : { ...state.phase, checks: state.phase.checks + 1, soak_start_unix_ms: soakStart, passing_checks: passing },
    streaks: triggers.streaks,
    surfaces,
    last_decision: decision,
    terminal: decision === 'rollback' || decision === 'complete' ? { decision, reasons, at_unix_ms: nowMs, check: state.checks + 1 } : null,
  };

  const record = base({
    decision,
    status: next.status,
    phase: ref(nextPhaseSpec),
    previous_phase: promoted ? ref(phase) : null,
    reasons,
    gates,
    triggers: triggers.results,
    soak: promoted
      ? { required_ms: nextPhaseSpec.soakMs, held_ms: 0, remaining_ms: nextPhaseSpec.soakMs, passing_checks: 0, min_checks: nextPhaseSpec.minChecks }
      : soakOf(phase, { ...state, phase: next.phase }, nowMs, passing),
    next: nextSentence(decision, phase, nextPhaseSpec, next, nowMs, windowNote),
  });

  const hooks: HookEvent[] = options.dryRun ? [] : decision === 'promote' ? ['promote'] : decision === 'complete' ? ['complete'] : decision === 'rollback' ? ['rollback'] : [];
  let ifHooksFail: CheckResult['ifHooksFail'] = null;
  if (decision === 'promote' || decision === 'complete') {
    const keep: RolloutState = {
      ...next,
      status: state.pause ? 'paused' : 'progressing',
      phase: { ...state.phase, checks: state.phase.checks + 1, soak_start_unix_ms: soakStart, passing_checks: passing },
      surfaces: rememberSurfaces(spec, state, obs, false),
      last_decision: 'hold',
      terminal: null,
    };
    ifHooksFail = {
      next: keep,
      record: {
        ...record,
        decision: 'hold',
        rollout_gate: 'hold',
        status: keep.status,
        phase: ref(phase),
        previous_phase: null,
        soak: soakOf(phase, keep, nowMs, passing),
        next: `the ${decision === 'promote' ? 'promotion' : 'completion'} is retried at the next check`,
      },
    };
  }
  return { record, next, hooks, ifHooksFail, changed: true, context: contexts };
}

/** The data rules read at a check, built exactly as check() builds it (status displays, tests). */
export function checkContext(spec: Spec, previous: RolloutState | null, obs: Observations, nowMs: number): CheckContext {
  const state = previous ?? startState(spec, nowMs);
  const phase = spec.phases.find((p) => p.name === state.phase.name) ?? spec.phases[0]!;
  return buildContexts(spec, state, obs, nowMs, phase, []);
}

function on(surface: string | null): string {
  return surface === null ? '' : ` for surface \`${surface}\``;
}

function triggerReason(t: TriggerResult): string {
  const nth = t.consecutive > 1 ? ` (${ordinal(t.streak)} consecutive check, threshold ${t.consecutive})` : '';
  return `trigger \`${t.name}\` fired${on(t.surface)}${nth}: ${t.message}; action ${t.action}`;
}

function gateReason(g: GateResult): string {
  return g.result === 'fail'
    ? `gate \`${g.name}\` failed${on(g.surface)}: ${g.message}`
    : `gate \`${g.name}\`${on(g.surface)} ${g.message.startsWith('cannot be evaluated') ? g.message : `errored: ${g.message}`} (an error holds, never passes)`;
}

function ordinal(n: number): string {
  return n % 10 === 1 && n % 100 !== 11 ? `${n}st` : n % 10 === 2 && n % 100 !== 12 ? `${n}nd` : n % 10 === 3 && n % 100 !== 13 ? `${n}rd` : `${n}th`;
}

function soakOf(phase: PhaseSpec | undefined, state: RolloutState, nowMs: number, passing: number): DecisionRecord['soak'] {
  const required = phase?.soakMs ?? 0;
  const held = Math.max(0, nowMs - state.phase.soak_start_unix_ms);
  return { required_ms: required, held_ms: held, remaining_ms: Math.max(0, required - held), passing_checks: passing, min_checks: phase?.minChecks ?? 1 };
}

function nextSentence(decision: Decision, phase: PhaseSpec, nextPhase: PhaseSpec, next: RolloutState, nowMs: number, windowOpens: string | null): string {
  switch (decision) {
    case 'promote':
      return `${nextPhase.name} (${nextPhase.traffic}%) begins now and must soak ${formatDuration(nextPhase.soakMs)} with every gate passing`;
    case 'complete':
      return 'the rollout is complete; nothing more to do';
    case 'rollback':
      return 'rolled back: the rollback hooks run; `rollgate control retry` starts again from the first phase';
    case 'wait': {
      if (windowOpens) return `promotes at the first check once the promotion window opens (${windowOpens})`;
      const left = Math.max(0, phase.soakMs - (nowMs - next.phase.soak_start_unix_ms));
      return left > 0 ? `can promote from ${isoOf(nowMs + left)} (${formatDuration(left)} from now) if every gate keeps passing` : 'can promote at the next check if every gate keeps passing';
    }
    default:
      return next.pause ? 'paused until `rollgate control resume`' : `holding ${phase.name}; the soak clock restarts from the first check where everything passes`;
  }
}

function buildContexts(spec: Spec, state: RolloutState, obs: Observations, nowMs: number, phase: PhaseSpec, notes: string[]): CheckContext {
  const surfaces: Record<string, SurfaceContext> = {};
  const unusableSurfaces = new Map<string, string>();
  const doubtful = new Map<string, Map<WindowName, string>>();
  for (const s of spec.surfaces) {
    const seen = obs.surfaces[s.name];
    const memory = state.surfaces[s.name];
    const total = seen?.events.cursor.tally ?? emptyTally();
    const windows = eventWindows(total, {
      phaseEntry: memory?.phase_entry ?? null,
      lastCheck: memory?.last_check ?? null,
      checkBefore: memory?.check_before ?? null,
    });
    const unknown = unknownWindows(windows, total, memory?.accepted_doubt);
    // Lines not settled at this read (an unfinished one that may carry codes): every window that will hold them.
    const unsettled = seen?.events.unsettled;
    if (unsettled) for (const w of ['total', 'phase', 'check'] as const) if (!unknown.has(w)) unknown.set(w, unsettled);
    if (unknown.size > 0) doubtful.set(s.name, unknown);
    const context = buildSurfaceContext(
      { name: s.name, kind: s.kind, staleAfterMs: s.staleAfterMs, healthRules: spec.health },
      {
        state: seen?.state ?? { present: false, reason: 'the surface was not observed' },
        control: seen?.control ?? { ...RUNNING },
        events: { present: seen?.events.present ?? false, total, windows, unknown },
      },
      nowMs,
    );
    surfaces[s.name] = context;
    if (!context.present || context.stale) unusableSurfaces.set(s.name, context.health_reason);
    for (const note of seen?.events.notes ?? []) notes.push(`surface \`${s.name}\`: ${note}`);
    if (seen?.control.note) notes.push(`surface \`${s.name}\`: ${seen.control.note}`);
  }
  const inputs: Record<string, unknown> = {};
  const unusableInputs = new Map<string, string>();
  for (const input of spec.inputs) {
    const seen = obs.inputs[input.name];
    if (seen?.status === 'loaded') inputs[input.name] = seen.value;
    else if (seen?.status === 'absent') inputs[input.name] = null;
    else {
      const why = seen ? `(${seen.file}) ${seen.error}` : 'was not read';
      unusableInputs.set(input.name, why);
      notes.push(`input \`${input.name}\` ${why}`);
    }
  }
  const base = {
    now_unix_ms: nowMs,
    rollout: { name: spec.name, status: state.status, checks: state.checks, started_unix_ms: state.started_unix_ms },
    phase: {
      name: phase.name, index: phase.index, traffic: phase.traffic, entered_unix_ms: state.phase.entered_unix_ms,
      elapsed_ms: Math.max(0, nowMs - state.phase.entered_unix_ms), checks: state.phase.checks,
    },
    surfaces,
    inputs,
  };
  return { base, surfaces, unusableSurfaces, unusableInputs, unknownWindows: doubtful };
}

/** What a decision record says of each surface. */
export function summarize(surfaces: Record<string, SurfaceContext>): Record<string, SurfaceSummary> {
  const out: Record<string, SurfaceSummary> = {};
  for (const [name, s] of Object.entries(surfaces)) {
    out[name] = { present: s.present, stale: s.stale, health_state: s.health_state, health_reason: s.health_reason, rollout_gate: s.rollout_gate, paused: s.paused };
  }
  return out;
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
