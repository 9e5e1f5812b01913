import { describe, expect, it } from 'vitest';
import { evaluateRule, zeroDefaultCopy } from '../../src/rules/evaluate.js';

const data = {
  surface: { health: { queue_depth: 3 }, events: { phase: zeroDefaultCopy({ retry_attempted: 2 }) }, age_ms: null },
  inputs: { plan: null },
};

describe('strict json-logic evaluation', () => {
  it.each([
    [{ '<=': [{ var: 'surface.health.queue_depth' }, 1] }, { ok: true, value: false }],
    [{ '==': [{ var: 'surface.events.phase.case_processing_failed' }, 0] }, { ok: true, value: true }],
    [{ '==': [{ var: 'surface.age_ms' }, null] }, { ok: true, value: true }],
    [{ '!': { var: ['inputs.plan.registry_changes_expected', false] } }, { ok: true, value: true }],
  ])('%j', (rule, expected) => {
    expect(evaluateRule(rule, data)).toEqual(expected);
  });

  it.each([
    [{ '<=': [{ var: 'surface.health.queue_dpeth' }, 1] }, '`surface.health.queue_dpeth` does not resolve: `surface.health` has no `queue_dpeth`'],
    [{ '==': [{ var: 'typo' }, 1] }, '`typo` does not resolve: there is no `typo`'],
    [{ '==': [{ var: 'inputs.plan.x' }, true] }, '`inputs.plan.x` does not resolve: `inputs.plan` is null (an optional input that is absent)'],
    [{ '==': [{ var: 'surface.__proto__' }, 1] }, '`surface.__proto__` does not resolve: `surface` has no `__proto__`'],
    [{ '==': [{ var: 'surface.constructor.name' }, 'Object'] }, '`surface.constructor.name` does not resolve: `surface` has no `constructor`'],
    [{ '==': [{ var: 'surface.health.queue_depth.toString' }, 1] }, '`surface.health.queue_depth.toString` does not resolve: `surface.health.queue_depth` has no `toString`'],
    [{ '+': [1, 2] }, 'the rule returned 3, not true or false'],
    [{ log: 'x' }, "unknown operator `log` (json-logic's `log` is left out: it would write to the console from inside the engine)"],
  ])('%j errors: %s', (rule, error) => {
    expect(evaluateRule(rule, data)).toEqual({ ok: false, error });
  });

  it('a typo never turns into a pass (plain json-logic would read null and pass this)', () => {
    expect(evaluateRule({ '<=': [{ var: 'surface.health.queu_depth' }, 1] }, data).ok).toBe(false);
  });
});
