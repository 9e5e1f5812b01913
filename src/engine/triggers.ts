/**
 * DESIGN §4 step 4: per trigger and surface, a streak of consecutive checks where `when` was
 * true (reset by false, unchanged by an error); it fires when the streak reaches `consecutive`.
 */
import { explainRule } from '../rules/trace.js';
import type { Spec } from '../spec/types.js';
import { recordSource, type TriggerResult } from './record.js';
import { blockedBy, ruleData, type CheckContext } from './rule-context.js';

export interface TriggerOutcome {
  results: TriggerResult[];
  streaks: Record<string, Record<string, number>>;
}

export function evaluateTriggers(spec: Spec, phaseName: string, ctx: CheckContext, previous: Record<string, Record<string, number>>, trace = true): TriggerOutcome {
  const streaks: Record<string, Record<string, number>> = {};
  for (const [name, perSurface] of Object.entries(previous)) streaks[name] = { ...perSurface };
  const results: TriggerResult[] = [];
  for (const trigger of spec.triggers) {
    if (trigger.phases !== null && !trigger.phases.includes(phaseName)) continue;
    const own = (streaks[trigger.name] ??= {});
    // A spec built from an object literal may carry no position, whatever its type says.
    const source = recordSource(trigger.source);
    for (const surface of trigger.each ?? [null]) {
      const key = surface ?? '';
      const before = own[key] ?? 0;
      const blocked = blockedBy(trigger.when, ctx, surface);
      const explained = blocked === null ? explainRule(trigger.when, ruleData(ctx, surface), { trace, quietWhen: false }) : null;
      let matched: boolean | null = null;
      let message: string;
      let streak = before;
      if (explained === null) {
        message = `cannot be evaluated: ${blocked}; the streak stays at ${before}`;
      } else if (!explained.result.ok) {
        message = `error: ${explained.result.error}; the streak stays at ${before}`;
      } else {
        matched = explained.result.value;
        streak = matched ? before + 1 : 0;
        message = explained.message;
      }
      own[key] = streak;
      results.push({
        name: trigger.name, surface, matched, streak, consecutive: trigger.consecutive,
        fired: matched === true && streak >= trigger.consecutive,
        action: trigger.action, severity: trigger.severity, message, trace: explained?.trace ?? [], source,
      });
    }
  }
  return { results, streaks };
}
