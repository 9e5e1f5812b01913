/** DESIGN §4 step 6: the gates of the current phase (own and inherited), per surface with `each`. */
import { sharedRule } from '../rules/shared-rule.js';
import { explainRule } from '../rules/trace.js';
import type { PhaseSpec } from '../spec/types.js';
import { recordSource, type GateResult } from './record.js';
import { blockedBy, ruleData, type CheckContext } from './rule-context.js';

export function evaluateGates(phase: PhaseSpec, ctx: CheckContext, trace = true): GateResult[] {
  const results: GateResult[] = [];
  for (const gate of phase.gates) {
    // A spec built from an object literal may carry no position, whatever its type says.
    const source = recordSource(gate.source);
    // Equal rules of many specs are compiled and planned once (rules/shared-rule.ts).
    const rule = sharedRule(gate.rule);
    for (const surface of gate.each ?? [null]) {
      const blocked = blockedBy(rule, ctx, surface);
      if (blocked !== null) {
        results.push({ name: gate.name, phase: gate.declaredIn, surface, result: 'error', message: `cannot be evaluated: ${blocked}`, trace: [], source });
        continue;
      }
      const explained = explainRule(rule, ruleData(ctx, surface), { trace, quietWhen: true });
      const result = !explained.result.ok ? 'error' : explained.result.value ? 'pass' : 'fail';
      results.push({ name: gate.name, phase: gate.declaredIn, surface, result, message: explained.message, trace: explained.trace, source });
    }
  }
  return results;
}
