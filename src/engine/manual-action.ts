/**
 * Manual actions on a rollout (`rollgate control`, the dashboard), as a pure function: pause,
 * resume, abort (roll back now), promote (one phase now, skipping the rest of the soak) and
 * retry (start a rolled-back rollout again). Each produces a journaled record that names the
 * actor and the reason. An action that makes no sense in the current status is refused.
 */
import { formatDuration } from '../time/duration.js';
import { isoOf } from '../time/instant.js';
import type { HookEvent, Spec } from '../spec/types.js';
import { startState } from './check.js';
import { gateOfDecision, type DecisionRecord, type SurfaceSummary } from './record.js';
import type { EventCursor } from './observations.js';
import type { Decision, RolloutState, SurfaceMemory } from './state.js';
import { acceptDoubt, type WindowName } from './window-doubt.js';

/** What the edge read at the action, for the actions that depend on it (acknowledge). */
export interface ActionObservation {
  /** Surface name -> its event windows that cannot be trusted, and why. */
  unknownWindows: Map<string, Map<WindowName, string>>;
  /** Surface name -> the event cursor after this read. */
  cursors: Record<string, EventCursor>;
}

/** `promote-full` is `control promote --full`: straight to the last phase, like Argo's `promote --full`. */
export const MANUAL_ACTIONS = ['pause', 'resume', 'abort', 'promote', 'promote-full', 'retry', 'acknowledge', 'reset-clock'] as const;
export type ManualAction = (typeof MANUAL_ACTIONS)[number];

export interface Who {
  actor: string;
  reason: string;
}

export type ActionResult =
  | { ok: false; message: string }
  | { ok: true; record: DecisionRecord; next: RolloutState; hooks: HookEvent[]; ifHooksFail: { record: DecisionRecord; next: RolloutState } | null };

const at = (ms: number) => isoOf(ms);

export function applyAction(spec: Spec, previous: RolloutState | null, action: ManualAction, who: Who, nowMs: number, surfaces: Record<string, SurfaceSummary>, seen: ActionObservation = { unknownWindows: new Map(), cursors: {} }): ActionResult {
  const refuse = (message: string): ActionResult => ({ ok: false, message });
  const status = previous?.status ?? 'not started';
  const terminal = status === 'rolled_back' || status === 'complete';
  if (previous === null && action !== 'pause') {
    return refuse(`\`${action}\` needs a started rollout, and ${spec.name} has not started: its first \`rollgate evaluate\` enters ${spec.phases[0]!.name}`);
  }
  const state = previous ?? startState(spec, nowMs);
  const phase = spec.phases.find((p) => p.name === state.phase.name);
  if (!phase) return refuse(`the rollout is in phase \`${state.phase.name}\`, which the spec no longer has`);
  const by = `${who.actor}: ${who.reason}`;

  const record = (decision: Decision, next: RolloutState, reasons: string[], nextSentence: string, extra: Partial<DecisionRecord> = {}): DecisionRecord => {
    const nowPhase = spec.phases.find((p) => p.name === next.phase.name)!;
    return {
      schema_version: 1, rollout: spec.name, check: state.checks + 1, evaluated_unix_ms: nowMs,
      decision, rollout_gate: gateOfDecision(decision), status: next.status,
      phase: { name: nowPhase.name, index: nowPhase.index, traffic: nowPhase.traffic }, previous_phase: null,
      reasons, gates: [], triggers: [], surfaces,
      soak: { required_ms: nowPhase.soakMs, held_ms: Math.max(0, nowMs - next.phase.soak_start_unix_ms), remaining_ms: Math.max(0, nowPhase.soakMs - (nowMs - next.phase.soak_start_unix_ms)), passing_checks: next.phase.passing_checks, min_checks: nowPhase.minChecks },
      next: nextSentence, notes: [], hooks: [], dry_run: false, spec_digest: spec.digest,
      ...extra,
      override: { action, actor: who.actor, reason: who.reason },
    };
  };
  const counted = (s: RolloutState): RolloutState => ({ ...s, checks: state.checks + 1 });

  switch (action) {
    case 'pause': {
      if (state.pause) return refuse(`the rollout is already paused (by ${state.pause.actor} since ${at(state.pause.since_unix_ms)}: ${state.pause.reason})`);
      if (terminal) return refuse(`the rollout is ${status}; there is nothing to pause`);
      const next = counted({ ...state, status: 'paused', pause: { ...who, since_unix_ms: nowMs }, last_decision: 'hold' });
      return { ok: true, hooks: [], ifHooksFail: null, next, record: record('hold', next, [`paused by ${by}`], 'checks hold until `rollgate control resume`; triggers still evaluate and can still roll back') };
    }
    case 'resume': {
      if (!state.pause) return refuse(`the rollout is not paused (it is ${status}); there is nothing to resume`);
      const next = counted({ ...state, status: 'progressing', pause: null, last_decision: 'wait' });
      return { ok: true, hooks: [], ifHooksFail: null, next, record: record('wait', next, [`resumed by ${by} (paused by ${state.pause.actor} since ${at(state.pause.since_unix_ms)})`], 'the next check decides as usual') };
    }
    case 'abort': {
      if (terminal) return refuse(`the rollout is already ${status}; there is nothing to abort`);
      const reasons = [`aborted by ${by}`];
      const next = counted({ ...state, status: 'rolled_back', pause: null, last_decision: 'rollback', last_check_unix_ms: Math.max(nowMs, state.last_check_unix_ms ?? nowMs), terminal: { decision: 'rollback', reasons, at_unix_ms: nowMs, check: state.checks + 1 } });
      return { ok: true, hooks: ['rollback'], ifHooksFail: null, next, record: record('rollback', next, reasons, 'rolled back: the rollback hooks run; `rollgate control retry` starts again from the first phase') };
    }
    case 'promote':
    case 'promote-full': {
      if (terminal) return refuse(`the rollout is ${status}; there is nothing to promote`);
      if (state.pause) return refuse(`the rollout is paused (by ${state.pause.actor}: ${state.pause.reason}); resume it before promoting`);
      const last = phase.index === spec.phases.length - 1;
      const skipped = Math.max(0, phase.soakMs - (nowMs - state.phase.soak_start_unix_ms));
      const target = last ? phase : action === 'promote-full' ? spec.phases[spec.phases.length - 1]! : spec.phases[phase.index + 1]!;
      const jumped = spec.phases.slice(phase.index + 1, target.index).map((p) => p.name);
      const reasons = [`promoted by ${by}, overriding the gates and skipping ${formatDuration(skipped)} of ${phase.name}'s soak${jumped.length ? ` and the phases ${jumped.join(', ')}` : ''}`];
      // Counts within the phase (`count` triggers) restart in the next one.
      const { phase_matches: _matches, ...carried } = state;
      const next = counted({
        ...(last ? state : carried),
        status: last ? 'complete' : 'progressing',
        last_decision: last ? 'complete' : 'promote',
        last_check_unix_ms: Math.max(nowMs, state.last_check_unix_ms ?? nowMs),
        phase: last ? state.phase : { index: target.index, name: target.name, entered_unix_ms: nowMs, checks: 0, soak_start_unix_ms: nowMs, passing_checks: 0 },
        // The new phase's windows start here: the edge records the event positions at entry.
        surfaces: last ? state.surfaces : Object.fromEntries(Object.entries(state.surfaces).map(([n, m]) => [n, { ...m, phase_entry: null, phase_entry_position: null }])),
        terminal: last ? { decision: 'complete', reasons, at_unix_ms: nowMs, check: state.checks + 1 } : null,
      });
      const main = record(last ? 'complete' : 'promote', next, reasons, last ? 'the rollout is complete' : `${target.name} (${target.traffic}%) begins now and must soak ${formatDuration(target.soakMs)}`, last ? {} : { previous_phase: { name: phase.name, index: phase.index, traffic: phase.traffic } });
      const kept = counted({ ...state, last_decision: 'hold' });
      return {
        ok: true, hooks: [last ? 'complete' : 'promote'], next, record: main,
        ifHooksFail: { next: kept, record: record('hold', kept, reasons, 'the phase is kept; try again once the hook works') },
      };
    }
    case 'acknowledge': {
      if (terminal) return refuse(`the rollout is ${status}; there is nothing to acknowledge`);
      if (seen.unknownWindows.size === 0) return refuse('no event window is unknown: no lines were lost and no unreadable line may carry reason codes, so there is nothing to acknowledge');
      const memories: Record<string, SurfaceMemory> = { ...state.surfaces };
      const accepted: string[] = [];
      for (const [name, windows] of seen.unknownWindows) {
        const cursor = seen.cursors[name];
        if (!cursor) continue;
        const tally = cursor.tally;
        // The doubt up to here is accepted; the windows stay as they are (window-doubt.ts), so
        // the valid codes they counted, and lines this read found, still count at the next check.
        const memory = state.surfaces[name];
        memories[name] = memory
          ? { ...memory, cursor, accepted_doubt: acceptDoubt(tally) }
          : { cursor, phase_entry: tally, phase_entry_position: cursor.position, last_check: tally, check_before: tally, accepted_doubt: acceptDoubt(tally) };
        const byReason = new Map<string, string[]>();
        for (const [w, why] of windows) byReason.set(why, [...(byReason.get(why) ?? []), w]);
        accepted.push(`surface \`${name}\`: ${[...byReason].map(([why, ws]) => `${ws.join(', ')}: ${why}`).join('; ')}`);
      }
      const next = counted({
        ...state, surfaces: memories, last_decision: 'hold',
        last_check_unix_ms: Math.max(nowMs, state.last_check_unix_ms ?? nowMs),
        phase: { ...state.phase, soak_start_unix_ms: nowMs, passing_checks: 0 },
      });
      const reasons = [`acknowledged by ${by}: the doubt in the unknown event windows is accepted (their valid reason codes still count), and ${phase.name}'s soak restarts`, ...accepted.map((a) => `accepted: ${a}`)];
      return { ok: true, hooks: [], ifHooksFail: null, next, record: record('hold', next, reasons, `${phase.name} soaks again from now (${formatDuration(phase.soakMs)}) with every gate passing`) };
    }
    case 'reset-clock': {
      if (terminal) return refuse(`the rollout is ${status}; its clock no longer matters`);
      const last = state.last_check_unix_ms;
      if (last === null || last <= nowMs) {
        return refuse(`the previous check (${last === null ? 'none yet' : at(last)}) is not after this clock (${at(nowMs)}); there is no clock jump to undo`);
      }
      const clamp = (ms: number) => Math.min(ms, nowMs);
      // Nothing measured on the wrong clock can be trusted: the soak starts again now.
      const next = counted({
        ...state, last_decision: 'hold', last_check_unix_ms: nowMs, started_unix_ms: clamp(state.started_unix_ms),
        phase: { ...state.phase, entered_unix_ms: clamp(state.phase.entered_unix_ms), soak_start_unix_ms: nowMs, passing_checks: 0 },
        pause: state.pause ? { ...state.pause, since_unix_ms: clamp(state.pause.since_unix_ms) } : null,
      });
      const reasons = [`clock reset by ${by}: the previous check was at ${at(last)}, ${formatDuration(last - nowMs)} ahead of this clock; checks are timed from ${at(nowMs)} again and ${phase.name}'s soak restarts`];
      return { ok: true, hooks: [], ifHooksFail: null, next, record: record('hold', next, reasons, `${phase.name} soaks again from now (${formatDuration(phase.soakMs)}) with every gate passing`) };
    }
    case 'retry': {
      if (status !== 'rolled_back') return refuse(`retry restarts a rolled-back rollout; this one is ${status}`);
      const fresh = startState(spec, nowMs);
      const next = counted({
        ...fresh,
        started_unix_ms: state.started_unix_ms,
        // Keep reading the logs where we were; the first phase's windows start now.
        surfaces: Object.fromEntries(Object.entries(state.surfaces).map(([n, m]) => [n, { ...m, phase_entry: null, phase_entry_position: null }])),
        last_check_unix_ms: state.last_check_unix_ms,
        last_decision: 'wait',
      });
      return { ok: true, hooks: [], ifHooksFail: null, next, record: record('wait', next, [`retried by ${by}: starting again from ${spec.phases[0]!.name}`], `${spec.phases[0]!.name} (${spec.phases[0]!.traffic}%) begins again and must soak ${formatDuration(spec.phases[0]!.soakMs)}`) };
    }
  }
}
