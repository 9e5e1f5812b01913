/** Runs the rule checks over every gate, trigger and health rule, with the right scope for each. */
import type { VarScope } from '../context-paths.js';
import { lintRule } from './lint-rule.js';
import { asArray, asRecord, isRecord, nameOf, type Reporter } from './reporter.js';

export function lintAllRules(report: Reporter): void {
  const spec = report.data;
  const inputs = asRecord(spec.inputs);
  const metrics = asRecord(spec.metrics);
  const base: VarScope = {
    surfaces: Object.keys(asRecord(spec.surfaces)),
    inputs: Object.keys(inputs),
    metrics: Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, isRecord(m) && m.http !== undefined ? 'http' : 'prometheus'])),
    surfaceBound: false,
    healthRule: false,
  };
  const used = new Set<string>();
  const read = new Set<string>();
  // One scope object each: a rule's var paths are resolved once per scope (lint-rule.ts).
  const bound: VarScope = { ...base, surfaceBound: true };
  const scopeFor = (each: unknown): VarScope => (each !== undefined ? bound : base);

  asArray(spec.phases).forEach((phase, i) => {
    asArray(asRecord(phase).gates).forEach((gate, j) => {
      if (!isRecord(gate) || gate.rule === undefined) return;
      const facts = lintRule(gate.rule, ['phases', i, 'gates', j, 'rule'], scopeFor(gate.each), report);
      facts.inputs.forEach((n) => used.add(n));
      facts.metrics.forEach((n) => read.add(n));
    });
  });

  asArray(spec.triggers).forEach((trigger, i) => {
    if (!isRecord(trigger) || trigger.when === undefined) return;
    const facts = lintRule(trigger.when, ['triggers', i, 'when'], scopeFor(trigger.each), report);
    facts.metrics.forEach((n) => read.add(n));
    for (const name of facts.inputs) {
      used.add(name);
      if (asRecord(inputs[name]).required === false) {
        report.warning('trigger-optional-input', `trigger \`${nameOf(trigger)}\` reads optional input \`${name}\`: while the file is absent the trigger errors and the rollout holds at every check; make the input required, or give the \`var\` a default`, ['triggers', i, 'when']);
      }
    }
  });

  const health = asRecord(spec.health);
  for (const key of ['failing', 'degraded'] as const) {
    if (health[key] !== undefined) lintRule(health[key], ['health', key], { ...base, healthRule: true }, report);
  }

  for (const name of Object.keys(inputs)) {
    if (!used.has(name)) report.warning('unused-input', `input \`${name}\` is declared but no gate or trigger reads it`, ['inputs', name], 'key');
  }
  for (const name of Object.keys(metrics)) {
    if (!read.has(name)) report.warning('unused-metric', `metric \`${name}\` is declared but no gate or trigger reads it, so it is queried at every check for nothing`, ['metrics', name], 'key');
  }
}
