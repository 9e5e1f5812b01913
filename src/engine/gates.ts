/** DESIGN §4 step 6: the gates of the current phase (own and inherited), per surface with `each`. */
import { sharedRule } from '../rules/shared-rule.js';
import { explainRule } from '../rules/trace.js';
import type { PhaseSpec } from '../spec/types.js';
import { recordSource, type GateResult } from './record.js';
import { blockedBy, ruleData, type CheckContext } from './rule-context.js';

const NO_SURFACE: readonly (string | null)[] = [null];

export function evaluateGates(phase: PhaseSpec, ctx: CheckContext, trace = true): GateResult[] {
  const results: GateResult[] = [];
  const options = { trace, quietWhen: true };
  // Nothing unusable at this check: no rule is blocked (blockedBy would say null for each).
  const clean = ctx.unusableSurfaces.size === 0 && ctx.unusableInputs.size === 0 && ctx.unknownWindows.size === 0 && ctx.metricDoubt.size === 0;
  for (const gate of phase.gates) {
    // A spec built from an object literal may carry no position, whatever its type says.
    const source = recordSource(gate.source);
    // Equal rules of many specs are compiled and planned once (rules/shared-rule.ts).
    const rule = sharedRule(gate.rule);
    const surfaces = gate.each ?? NO_SURFACE;
    for (let i = 0; i < surfaces.length; i++) {
      const surface = surfaces[i]!;
      const blocked = clean ? null : blockedBy(rule, ctx, surface);
      if (blocked !== null) {
        results.push({ name: gate.name, phase: gate.declaredIn, surface, result: 'error', message: `cannot be evaluated: ${blocked}`, trace: [], source });
        continue;
      }
      const explained = explainRule(rule, ruleData(ctx, surface), options);
      const result = !explained.result.ok ? 'error' : explained.result.value ? 'pass' : 'fail';
      results.push({ name: gate.name, phase: gate.declaredIn, surface, result, message: explained.message, trace: explained.trace, source });
    }
  }
  return results;
}
