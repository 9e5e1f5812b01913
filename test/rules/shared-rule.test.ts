/**
 * One representative per rule text (rules/shared-rule.ts): equal rules of many specs are
 * compiled and planned once; rules whose JSON text does not say all of them stand for themselves;
 * a spec's own objects are never touched.
 */
import { describe, expect, it } from 'vitest';
import { sharedRule } from '../../src/rules/shared-rule.js';
import { explainRule } from '../../src/rules/trace.js';

const healthy = () => ({ '==': [{ var: 'surface.rollout_gate' }, 'pass'] });

describe('sharedRule', () => {
  it('equal rules of different specs share one representative, the first of their text', () => {
    const a = healthy();
    const b = healthy();
    expect(sharedRule(a)).toBe(a);
    expect(sharedRule(b)).toBe(a);
    expect(sharedRule(b)).toBe(a); // remembered per object
    expect(b).toEqual(healthy()); // untouched
    const c = { '==': [{ var: 'surface.rollout_gate' }, 'hold'] };
    expect(sharedRule(c)).toBe(c);
  });

  it('explains a spec\'s rule through the representative exactly as through its own object', () => {
    const own = { '<=': [{ var: 'surface.health.queue_depth' }, 1] };
    const other = { '<=': [{ var: 'surface.health.queue_depth' }, 1] };
    sharedRule(other);
    const data = { surface: { health: { queue_depth: 3 } } };
    expect(explainRule(sharedRule(own), data, { trace: true, quietWhen: true })).toEqual(explainRule(structuredClone(own), data, { trace: true, quietWhen: true }));
  });

  it('values JSON cannot tell apart are never merged: Infinity and null, -0 and 0, NaN', () => {
    const inf = { '<': [{ var: 'x' }, Infinity] };
    const nul = { '<': [{ var: 'x' }, null] };
    sharedRule(nul);
    expect(sharedRule(inf)).toBe(inf);
    const zero = { '==': [{ var: 'x' }, 0] };
    const minusZero = { '==': [{ var: 'x' }, -0] };
    sharedRule(zero);
    expect(sharedRule(minusZero)).toBe(minusZero);
    const nan = { '==': [{ var: 'x' }, NaN] };
    expect(sharedRule(nan)).toBe(nan);
  });

  it('rules built in code stand for themselves: classes, holes, hidden or accessor properties, cycles', () => {
    class Op { '==' = [1, 1]; }
    const own = new Op();
    sharedRule({ '==': [1, 1] });
    expect(sharedRule(own)).toBe(own);
    const holes = { in: [1, [1, , 3]] };
    expect(sharedRule(holes)).toBe(holes);
    const hidden = { '==': [1, 1] };
    Object.defineProperty(hidden, 'x', { value: 1, enumerable: false });
    expect(sharedRule(hidden)).toBe(hidden);
    const getter = { get '=='() { return [1, 1]; } };
    expect(sharedRule(getter)).toBe(getter);
    const cyclic: Record<string, unknown> = { and: [] };
    (cyclic.and as unknown[]).push(cyclic);
    expect(sharedRule(cyclic)).toBe(cyclic);
  });

  it('constants are themselves', () => {
    expect(sharedRule(true)).toBe(true);
    expect(sharedRule(null)).toBe(null);
    expect(sharedRule('pass')).toBe('pass');
  });
});
