/**
 * One representative per rule text (rules/shared-rule.ts): equal rules of many specs are
 * compiled and planned once; rules whose JSON text does not say all of them stand for themselves;
 * a spec's own objects are never touched.
 */
import { describe, expect, it } from 'vitest';
import { sharedRule } from '../../src/rules/shared-rule.js';
import { explainRule } from '../../src/rules/trace.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { shareRules } from '../../src/spec/share-rules.js';

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

describe('shareRules (what `run` does to the specs it holds)', () => {
  const specText = (name: string, threshold: number) => `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: ${name} }
surfaces:
  app: { stateDir: .tau/${name}, kind: dashboard }
health:
  failing: { ">=": [ { var: health.failure_streak }, 3 ] }
  degraded: { ">": [ { var: health.queue_depth }, ${threshold} ] }
phases:
  - name: canary
    traffic: 5
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: queue, each: surfaces, rule: { "<=": [ { var: surface.health.queue_depth }, ${threshold} ] } }
  - name: all
    traffic: 100
    inherit: true
triggers:
  - { name: failing, each: surfaces, when: { "==": [ { var: surface.health_state }, failing ] }, action: rollback }
`;
  const load = (name: string, threshold: number) => {
    const r = loadSpecText(specText(name, threshold), `${name}.yaml`);
    if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
    return r.spec;
  };

  it('equal rules of two specs become one object; different ones stay apart; nothing else changes', () => {
    const a = load('a', 5);
    const b = load('b', 7);
    const before = structuredClone(b);
    shareRules(a);
    shareRules(b);
    expect(b).toEqual(before);
    const [aHealthy, aQueue] = a.phases[0]!.gates;
    const [bHealthy, bQueue] = b.phases[0]!.gates;
    expect(bHealthy!.rule).toBe(aHealthy!.rule);
    expect(bQueue!.rule).not.toBe(aQueue!.rule);
    expect(b.triggers[0]!.when).toBe(a.triggers[0]!.when);
    expect(b.health!.failing).toBe(a.health!.failing);
    expect(b.health!.degraded).not.toBe(a.health!.degraded);
    // An inherited gate is one object in both phases, and stays so.
    expect(b.phases[1]!.gates[0]).toBe(b.phases[0]!.gates[0]);
  });
});
