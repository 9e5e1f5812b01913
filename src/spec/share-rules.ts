/**
 * A spec's rules swapped for their shared representatives (rules/shared-rule.ts), for a command
 * that holds many specs at once and owns them (`run` over a folder of 5,000 small rollouts: each
 * spec's copy of the same two gates was a quarter of what a spec held). The engine reads rules
 * and never writes them, so equal rules can be one object. Changes the spec in place.
 */
import { sharedRule } from '../rules/shared-rule.js';
import type { Spec } from './types.js';

export function shareRules(spec: Spec): Spec {
  for (const phase of spec.phases) for (const gate of phase.gates) gate.rule = sharedRule(gate.rule);
  for (const trigger of spec.triggers) trigger.when = sharedRule(trigger.when);
  if (spec.health) spec.health = { failing: sharedRule(spec.health.failing), degraded: sharedRule(spec.health.degraded) };
  return spec;
}
