/**
 * DESIGN §4 steps 4-7: the decision of one check from facts already evaluated (trigger and gate
 * results, the pause, the soak, the promotion window). Pure and total: no spec, no state, no
 * clock; the caller evaluates the rules and turns the verdict into a record (sentences.ts says
 * each `why` in words).
 *
 * Precedence: a fired rollback trigger > a fired hold trigger or an erroring trigger > a pause
 * (manual or a paused surface) > a failing or erroring gate > the soak (time held and minChecks
 * passing checks) > the promotion window > promote (complete from the last phase).
 */
import type { GateResult, TriggerResult } from './record.js';
import type { Decision, RolloutState } from './state.js';
import type { WindowStatus } from '../time/promotion-window.js';

export interface DecideInput {
  /** Step 4: this check's trigger results (`fired`, or `matched: null` for one that errored). */
  triggers: readonly TriggerResult[];
  /** Step 5: the manual pause (`rollgate control pause`), or null. */
  pause: RolloutState['pause'];
  /** Step 5: surfaces whose control state holds, in spec order (note: why an unknown mode holds; null for `paused`). */
  pausedSurfaces: readonly { name: string; note: string | null }[];
  /** Step 6: the results of the current phase's gates (own and inherited). */
  gates: readonly GateResult[];
  /** Step 7, before this check: time since soak_start, what the phase requires, passing checks so far. */
  soak: { heldMs: number; requiredMs: number; passingBefore: number; minChecks: number };
  /** The current phase is the last one: soaked means `complete`, not `promote`. */
  last: boolean;
  /** The promotion window at this check, null when the spec has none; asked only once the phase has soaked. */
  window: () => WindowStatus | null;
}

/** One fact that decided, in the order the reasons list them. */
export type Why =
  | { fact: 'trigger'; trigger: TriggerResult }
  | { fact: 'trigger-error'; trigger: TriggerResult }
  | { fact: 'pause'; pause: NonNullable<RolloutState['pause']> }
  | { fact: 'paused-surface'; name: string; note: string | null }
  | { fact: 'gate'; gate: GateResult }
  | { fact: 'soaking'; heldMs: number; requiredMs: number; passing: number; minChecks: number }
  | { fact: 'window-closed'; nextOpenMs: number | null }
  | { fact: 'promote'; heldMs: number; gateCount: number; passing: number }
  | { fact: 'complete'; heldMs: number; gateCount: number };

export interface Verdict {
  decision: Decision;
  /** The soak clock restarts at this check (soak_start = now, passing checks 0). */
  restartSoak: boolean;
  /** Passing checks since soak_start after this check. */
  passing: number;
  why: Why[];
}

export function decide(input: DecideInput): Verdict {
  const firedRollback = input.triggers.filter((t) => t.fired && t.action === 'rollback');
  const firedHold = input.triggers.filter((t) => t.fired && t.action === 'hold');
  const triggerErrors = input.triggers.filter((t) => t.matched === null && !t.fired);
  const failing = input.gates.filter((g) => g.result !== 'pass');
  const paused = input.pause !== null || input.pausedSurfaces.length > 0;
  const gateWhy = failing.map((gate): Why => ({ fact: 'gate', gate }));
  const { passingBefore } = input.soak;

  // Step 4: a fired rollback trigger rolls back, whatever else is true.
  if (firedRollback.length > 0) {
    return { decision: 'rollback', restartSoak: false, passing: passingBefore, why: firedRollback.map((trigger) => ({ fact: 'trigger', trigger })) };
  }
  // Step 4: a fired hold trigger, or one that errors, holds and restarts the soak.
  if (firedHold.length > 0 || triggerErrors.length > 0) {
    const why: Why[] = [
      ...firedHold.map((trigger): Why => ({ fact: 'trigger', trigger })),
      ...triggerErrors.map((trigger): Why => ({ fact: 'trigger-error', trigger })),
      ...gateWhy,
    ];
    return { decision: 'hold', restartSoak: true, passing: 0, why };
  }
  // Step 5: a pause holds. A gate failing while paused still restarts the soak: a pause must not hide a failure.
  if (paused) {
    const why: Why[] = [
      ...(input.pause ? [{ fact: 'pause', pause: input.pause } as const] : []),
      ...input.pausedSurfaces.map((s): Why => ({ fact: 'paused-surface', name: s.name, note: s.note })),
      ...gateWhy,
    ];
    const restartSoak = failing.length > 0;
    return { decision: 'hold', restartSoak, passing: restartSoak ? 0 : passingBefore, why };
  }
  // Step 6: a failing or erroring gate holds and restarts the soak.
  if (failing.length > 0) return { decision: 'hold', restartSoak: true, passing: 0, why: gateWhy };

  // Step 7: everything passes; promote once soaked (time and minChecks) inside the window.
  const passing = passingBefore + 1;
  const { heldMs, requiredMs, minChecks } = input.soak;
  if (heldMs < requiredMs || passing < minChecks) {
    return { decision: 'wait', restartSoak: false, passing, why: [{ fact: 'soaking', heldMs, requiredMs, passing, minChecks }] };
  }
  const window = input.window();
  if (window !== null && !window.open) {
    return { decision: 'wait', restartSoak: false, passing, why: [{ fact: 'window-closed', nextOpenMs: window.next_open_unix_ms }] };
  }
  const gateCount = new Set(input.gates.map((g) => g.name)).size;
  return input.last
    ? { decision: 'complete', restartSoak: false, passing, why: [{ fact: 'complete', heldMs, gateCount }] }
    : { decision: 'promote', restartSoak: false, passing, why: [{ fact: 'promote', heldMs, gateCount, passing }] };
}
