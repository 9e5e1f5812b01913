/**
 * The words of a decision record: each fact that decided (decide.ts `Why`) as a reason, and
 * what happens next. Records are compared and diffed, so a sentence changes only on purpose.
 */
import { isoOf } from '../time/instant.js';
import { formatDuration } from '../time/duration.js';
import type { CronSpec } from '../time/cron-times.js';
import type { PhaseSpec } from '../spec/types.js';
import type { Verdict, Why } from './decide.js';
import type { GateResult, TriggerResult } from './record.js';
import type { Decision, RolloutState } from './state.js';

const at = (ms: number) => isoOf(ms);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a reason may name besides the facts: the phase, the one after it, the window's cron. */
export interface Wording {
  phase: PhaseSpec;
  nextPhase: PhaseSpec | undefined;
  window: CronSpec | null;
}

export function reasonsOf(verdict: Verdict, words: Wording): string[] {
  return verdict.why.map((why) => reasonOf(why, words));
}

export function reasonOf(why: Why, { phase, nextPhase, window }: Wording): string {
  switch (why.fact) {
    case 'trigger':
      return triggerReason(why.trigger);
    case 'trigger-error':
      return `trigger \`${why.trigger.name}\`${on(why.trigger.surface)} ${why.trigger.message}; an erroring trigger holds`;
    case 'pause':
      return `paused by ${why.pause.actor} since ${at(why.pause.since_unix_ms)}: ${why.pause.reason}`;
    case 'paused-surface':
      return why.note ? `surface \`${why.name}\`: ${why.note}` : `surface \`${why.name}\` is paused by its operator (control-state.json mode: paused)`;
    case 'gate':
      return gateReason(why.gate);
    case 'soaking': {
      const left = Math.max(0, why.requiredMs - why.heldMs);
      const more = Math.max(0, why.minChecks - why.passing);
      return `all gates pass; soaking ${phase.name}: ${formatDuration(why.heldMs)} of ${formatDuration(why.requiredMs)} held${left > 0 ? `, ${formatDuration(left)} left` : ''}${more > 0 ? `, ${plural(more, 'more passing check')} needed (minChecks ${why.minChecks})` : ''}`;
    }
    case 'window-closed':
      return `${phase.name} has soaked, but it is outside the promotion window (\`${window!.cron}\` ${window!.timezone}); it next opens at ${windowOpens(why.nextOpenMs)}`;
    case 'promote':
      return `all ${plural(why.gateCount, 'gate')} passed and ${phase.name} soaked ${formatDuration(why.heldMs)} (${plural(why.passing, 'passing check')}): promoting to ${nextPhase!.name} (${nextPhase!.traffic}%)`;
    case 'complete':
      return `${phase.name} soaked ${formatDuration(why.heldMs)} with all ${plural(why.gateCount, 'gate')} passing: the rollout is complete`;
  }
}

function windowOpens(nextOpenMs: number | null): string {
  return nextOpenMs !== null ? at(nextOpenMs) : 'never (check the cron)';
}

function on(surface: string | null): string {
  return surface === null ? '' : ` for surface \`${surface}\``;
}

function triggerReason(t: TriggerResult): string {
  // Fired by its streak (not by `count` or `onError`, whose messages say so).
  const nth = t.matched === true && t.consecutive > 1 && t.streak >= t.consecutive ? ` (${ordinal(t.streak)} consecutive check, threshold ${t.consecutive})` : '';
  return `trigger \`${t.name}\` fired${on(t.surface)}${nth}: ${t.message}; action ${t.action}`;
}

function gateReason(g: GateResult): string {
  return g.result === 'fail'
    ? `gate \`${g.name}\` failed${on(g.surface)}: ${g.message}`
    : `gate \`${g.name}\`${on(g.surface)} ${g.message.startsWith('cannot be evaluated') ? g.message : `errored: ${g.message}`} (an error holds, never passes)`;
}

export function ordinal(n: number): string {
  return n % 10 === 1 && n % 100 !== 11 ? `${n}st` : n % 10 === 2 && n % 100 !== 12 ? `${n}nd` : n % 10 === 3 && n % 100 !== 13 ? `${n}rd` : `${n}th`;
}

/** What happens after this decision, in a sentence (`next` of the record). */
export function nextSentence(verdict: Verdict, phase: PhaseSpec, nextPhase: PhaseSpec, next: RolloutState, nowMs: number): string {
  const decision: Decision = verdict.decision;
  switch (decision) {
    case 'promote':
      return `${nextPhase.name} (${nextPhase.traffic}%) begins now and must soak ${formatDuration(nextPhase.soakMs)} with every gate passing`;
    case 'complete':
      return 'the rollout is complete; nothing more to do';
    case 'rollback':
      return 'rolled back: the rollback hooks run; `rollgate control retry` starts again from the first phase';
    case 'wait': {
      const closed = verdict.why.find((w) => w.fact === 'window-closed');
      if (closed) return `promotes at the first check once the promotion window opens (${windowOpens(closed.nextOpenMs)})`;
      const left = Math.max(0, phase.soakMs - (nowMs - next.phase.soak_start_unix_ms));
      return left > 0 ? `can promote from ${isoOf(nowMs + left)} (${formatDuration(left)} from now) if every gate keeps passing` : 'can promote at the next check if every gate keeps passing';
    }
    default:
      return next.pause ? 'paused until `rollgate control resume`' : `holding ${phase.name}; the soak clock restarts from the first check where everything passes`;
  }
}

/** The `next` sentence of a promote or complete whose hooks failed (the phase stays). */
export function retrySentence(decision: 'promote' | 'complete'): string {
  return `the ${decision === 'promote' ? 'promotion' : 'completion'} is retried at the next check`;
}

/** A wait that became a hold because the traffic could not be set where the phase puts it. */
export function waitRetrySentence(): string {
  return 'the soak starts again once the traffic is where the phase puts it';
}

/** Step 2: a terminal rollout repeats its decision. */
export function terminalRepeat(terminal: NonNullable<RolloutState['terminal']>): { reasons: string[]; next: string } {
  const { decision, at_unix_ms, check, reasons } = terminal;
  return {
    reasons: [`the rollout ${decision === 'rollback' ? 'was rolled back' : 'completed'} at check ${check} (${at(at_unix_ms)}); nothing changes`, ...reasons],
    next: decision === 'rollback' ? '`rollgate control retry` starts it again from the first phase' : 'nothing more to do',
  };
}

/** Step 2: time went backwards. */
export function clockSkew(nowMs: number, previousMs: number): { reasons: string[]; next: string } {
  return {
    reasons: [`clock skew: this check is at ${at(nowMs)}, before the previous check at ${at(previousMs)}; nothing advances until the clock passes it; if the previous check ran with a wrong clock, \`rollgate control <spec> reset-clock --reason …\` undoes it`],
    next: 'the next check after the previous check time decides again',
  };
}

/** The remembered phase is not in the spec any more. */
export function missingPhase(name: string): { reasons: string[]; next: string } {
  return {
    reasons: [`the rollout is in phase \`${name}\`, which the spec no longer has; restore the phase, or start again with \`rollgate control retry\``],
    next: 'holding until the spec has the phase again',
  };
}

/** A note when the spec changed since the rollout started. */
export function specChanged(startedDigest: string, digest: string): string {
  return `the spec changed since the rollout started (${startedDigest.slice(0, 19)}… -> ${digest.slice(0, 19)}…)`;
}
