/**
 * Rules that read no data always give the same answer. A gate that can never pass makes every
 * later phase unreachable; a rollback trigger that is always true rolls back at the first check.
 */
import { evaluateRule } from '../../rules/evaluate.js';
import { asArray, asRecord, isRecord, nameOf, type Reporter } from './reporter.js';

/** true/false when the rule reads no `var` and evaluates to a boolean, else undefined. */
export function constantValue(rule: unknown): boolean | undefined {
  if (readsData(rule)) return undefined;
  const result = evaluateRule(rule, null);
  return result.ok ? result.value : undefined; // an error: the rule checks report what is wrong with it
}

function readsData(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.some(readsData);
  if (!isRecord(expr)) return false;
  return Object.entries(expr).some(([op, args]) => op === 'var' || op === 'missing' || op === 'missing_some' || readsData(args));
}

export function lintConstantRules(report: Reporter): void {
  const phases = asArray(report.data.phases);
  phases.forEach((phase, i) => {
    asArray(asRecord(phase).gates).forEach((gate, j) => {
      if (!isRecord(gate) || gate.rule === undefined) return;
      const value = constantValue(gate.rule);
      const at = ['phases', i, 'gates', j, 'rule'];
      if (value === false) {
        const later = phases.slice(i + 1).map(nameOf).filter((n) => n !== undefined);
        report.error('unreachable-phase', `gate \`${nameOf(gate)}\` is always false, so phase \`${nameOf(phase)}\` can never promote` +
          (later.length ? ` and ${later.map((n) => `\`${n}\``).join(', ')} can never be reached` : ' and the rollout can never complete'), at);
      } else if (value === true) {
        report.warning('constant-rule', `gate \`${nameOf(gate)}\` is always true (it reads no data), so it checks nothing`, at);
      }
    });
  });
  asArray(report.data.triggers).forEach((trigger, i) => {
    if (!isRecord(trigger) || trigger.when === undefined) return;
    const value = constantValue(trigger.when);
    const at = ['triggers', i, 'when'];
    if (value === true && trigger.action === 'rollback') {
      report.error('always-rolls-back', `trigger \`${nameOf(trigger)}\` is always true (it reads no data), so every rollout would roll back at its first check(s)`, at);
    } else if (value !== undefined) {
      report.warning('constant-rule', `trigger \`${nameOf(trigger)}\` is always ${value} (it reads no data), so it ${value ? 'fires at every check' : 'never fires'}`, at);
    }
  });
}
