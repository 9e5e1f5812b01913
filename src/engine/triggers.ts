/**
 * DESIGN §4 step 4: per trigger and surface, three counters.
 * - the streak: consecutive checks where `when` was true (reset by false, unchanged by an error);
 *   the trigger fires when it reaches `consecutive`;
 * - with `count`: checks in the current phase where `when` was true, consecutive or not; it fires
 *   when they reach `count` (the counts restart when the phase changes);
 * - with `onError`: consecutive checks at which `when` could not be evaluated (a failed query,
 *   NaN, an unusable surface; no data is not an error), reset by any evaluated check; at
 *   `onError.consecutive` the trigger fires with `onError.action`.
 */
import { sharedRule } from '../rules/shared-rule.js';
import { explainRule } from '../rules/trace.js';
import type { Spec, TriggerSpec } from '../spec/types.js';
import { recordSource, type TriggerResult } from './record.js';
import { blockedReason, ruleData, type CheckContext } from './rule-context.js';
import { ordinal } from './sentences.js';

export type Counters = Record<string, Record<string, number>>;

export interface TriggerMemory {
  streaks: Counters;
  /** Only for triggers with `onError`; empty otherwise. */
  errorStreaks: Counters;
  /** Only for triggers with `count`; empty otherwise. */
  phaseMatches: Counters;
}

export interface TriggerOutcome extends TriggerMemory {
  results: TriggerResult[];
}

export function evaluateTriggers(spec: Spec, phaseName: string, ctx: CheckContext, previous: TriggerMemory, trace = true): TriggerOutcome {
  const streaks = copy(previous.streaks);
  const errorStreaks = copy(previous.errorStreaks);
  const phaseMatches = copy(previous.phaseMatches);
  const results: TriggerResult[] = [];
  for (const trigger of spec.triggers) {
    if (trigger.phases !== null && !trigger.phases.includes(phaseName)) continue;
    const own = (streaks[trigger.name] ??= {});
    // A spec built from an object literal may carry no position, whatever its type says.
    const source = recordSource(trigger.source);
    // Equal rules of many specs are compiled and planned once (rules/shared-rule.ts).
    const when = sharedRule(trigger.when);
    for (const surface of trigger.each ?? [null]) {
      const key = surface ?? '';
      const before = own[key] ?? 0;
      const blocked = blockedReason(when, ctx, surface);
      const explained = blocked === null ? explainRule(when, ruleData(ctx, surface), { trace, quietWhen: false }) : null;
      let matched: boolean | null = null;
      let message: string;
      let streak = before;
      // Why `when` could not be evaluated, when it could not and that is an error (not no data).
      let erred: string | null = null;
      if (explained === null) {
        message = `cannot be evaluated: ${blocked!.why}; the streak stays at ${before}`;
        if (!blocked!.noData) erred = blocked!.why;
      } else if (!explained.result.ok) {
        message = `error: ${explained.result.error}; the streak stays at ${before}`;
        erred = explained.result.error;
      } else {
        matched = explained.result.value;
        streak = matched ? before + 1 : 0;
        message = explained.message;
      }
      own[key] = streak;
      const result: TriggerResult = {
        name: trigger.name, surface, matched, streak, consecutive: trigger.consecutive,
        fired: matched === true && streak >= trigger.consecutive,
        action: trigger.action, severity: trigger.severity, message, trace: explained?.trace ?? [], source,
      };
      if (trigger.count) countInPhase(trigger, key, matched, phaseMatches, result);
      if (trigger.onError) countErrors(trigger, key, matched, erred, errorStreaks, result);
      results.push(result);
    }
  }
  return { results, streaks, errorStreaks, phaseMatches };
}

function countInPhase(trigger: TriggerSpec, key: string, matched: boolean | null, counters: Counters, result: TriggerResult): void {
  const own = (counters[trigger.name] ??= {});
  const matches = (own[key] ?? 0) + (matched === true ? 1 : 0);
  own[key] = matches;
  const required = trigger.count!.matches;
  result.count = { within: trigger.count!.within, matches, required };
  if (matched === true && matches >= required && !result.fired) {
    result.fired = true;
    result.message = `${result.message} (${ordinal(matches)} matching check in this phase, count ${required})`;
  }
}

function countErrors(trigger: TriggerSpec, key: string, matched: boolean | null, erred: string | null, counters: Counters, result: TriggerResult): void {
  const own = (counters[trigger.name] ??= {});
  // An evaluated check resets the count; no data leaves it where it was.
  const streak = matched !== null ? 0 : erred !== null ? (own[key] ?? 0) + 1 : (own[key] ?? 0);
  own[key] = streak;
  const { consecutive, action } = trigger.onError!;
  result.errors = { streak, consecutive, action };
  if (erred !== null && streak >= consecutive) {
    result.fired = true;
    result.action = action;
    result.message = `could not be evaluated at ${streak} checks in a row (onError.consecutive ${consecutive}), this time because ${erred}`;
  }
}

function copy(counters: Counters): Counters {
  const out: Counters = {};
  for (const [name, perSurface] of Object.entries(counters)) out[name] = { ...perSurface };
  return out;
}
