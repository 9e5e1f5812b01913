/**
 * explainRule gives the same result, message and trace, string for string, as the implementation
 * that evaluated every sub-expression afresh each time it was shown (the one before its values
 * were shared within a call). The expected explanations were written by that implementation
 * (ROLLGATE_WRITE_GOLDEN=1 rewrites them; kept as a digest of each) for seeded random rules over every operator, with
 * operands of every type, paths that do not resolve, and per-item operators.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainRule } from '../../src/rules/trace.js';
import { zeroDefaultCopy } from '../../src/rules/lookup.js';
import { OPERATORS } from '../../src/rules/operators.js';

const GOLDEN = new URL('./explain-golden.json', import.meta.url);

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['a', 'b', 'n', 's', 'list', 'nums', 'flag', 'nope', 'obj.x', 'obj.y', 'obj.missing', 'nil.x', 'codes.seen', 'codes.never', 'long', '__proto__', 'surface.health.queue_depth'];
const OPS = ['==', '===', '!=', '!==', '<', '<=', '>', '>=', '!', '!!', 'in', 'and', 'or', 'if', '?:', '+', '-', '*', '/', '%', 'min', 'max', 'cat', 'substr', 'merge', 'var', 'missing', 'missing_some', 'all', 'some', 'none', 'filter', 'map', 'reduce', 'bogus'];
const LITERALS: unknown[] = [0, 1, 3, -2, 0.5, 1e21, true, false, null, '', 'x', 'pass', [], [1, 2], ['a'], 'é → …'];

/** Rules as a spec has them, mostly: a comparison or a condition on top, numbers and paths below. */
const TOP = ['==', '!=', '<', '<=', '>', '>=', '!', 'and', 'or', 'in', 'all', 'some', 'none', 'if'];
const NUMERIC = ['a', 'n', 'obj.x', 'codes.seen', 'codes.never', 'surface.health.queue_depth'];

function rule(rand: () => number, depth: number, top = false): unknown {
  if (top && depth <= 0) depth = 1;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (!top && (depth <= 0 || rand() < 0.3)) return rand() < 0.6 ? { var: pick(rand() < 0.7 ? NUMERIC : PATHS) } : pick(rand() < 0.6 ? [0, 1, 3, 2.5, true] : LITERALS);
  const op = top && rand() < 0.85 ? pick(TOP) : pick(OPS);
  if (op === 'var') return rand() < 0.2 ? { var: [pick(PATHS), pick(LITERALS)] } : { var: pick(PATHS) };
  if (op === 'missing') return { missing: [pick(PATHS), pick(PATHS)] };
  if (op === 'missing_some') return { missing_some: [rand() < 0.8 ? 1 : 'x', [pick(PATHS), pick(PATHS)]] };
  if (['all', 'some', 'none', 'filter', 'map'].includes(op)) {
    if (rand() < 0.2) return { [op]: [rule(rand, depth - 1), rule(rand, depth - 1)] };
    return { [op]: [{ var: pick(['list', 'nums', 'list', 'nums', 's']) }, { [pick(['>', '<=', '==', '!='])]: [{ var: '' }, pick([0, 1, 2, 'x'])] }] };
  }
  if (op === 'reduce') return { reduce: [{ var: pick(['list', 'nums', 'n']) }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] };
  const info = OPERATORS[op] ?? { min: 1, max: 3 };
  // The right number of arguments, mostly (a wrong one is an error to explain too).
  const count = rand() < 0.1 ? Math.floor(rand() * 4) : info.min + Math.floor(rand() * (Math.min(info.max, info.min + 2) - info.min + 1));
  // Conditions are mostly comparisons (and, or, not of a number is an error to explain sometimes).
  const condition = ['and', 'or', '!', '!!', 'if', '?:'].includes(op);
  const args = Array.from({ length: count }, () => rule(rand, depth - 1, condition && rand() < 0.85));
  return { [op]: count === 1 && rand() < 0.5 ? args[0] : args };
}

const DATA = [
  { a: 1, b: 2, n: 3, s: 'x', list: [1, 2, 3], nums: [0.5, 2], flag: true, obj: { x: 1, y: 'pass' }, nil: null, codes: zeroDefaultCopy({ seen: 2 }), long: 'y'.repeat(200), surface: { health: { queue_depth: 3 } } },
  { a: 0, b: 'a', n: -1, s: '', list: [], nums: [], flag: false, obj: { x: 2, y: [1] }, nil: null, codes: zeroDefaultCopy({}), long: ['z'.repeat(150)], surface: { health: { queue_depth: 0 } } },
];

function cases(): { rule: unknown; data: number; trace: boolean; quietWhen: boolean }[] {
  const rand = prng(20);
  const out = [];
  for (let i = 0; i < 800; i++) out.push({ rule: rule(rand, 1 + (i % 4), true), data: i % 2, trace: i % 3 !== 0, quietWhen: i % 5 === 0 });
  return out;
}

function explainAll() {
  return cases().map((c) => ({ ...c, explained: explainRule(c.rule, DATA[c.data], { trace: c.trace, quietWhen: c.quietWhen }) }));
}

const digest = (explained: unknown) => createHash('sha256').update(JSON.stringify(explained)).digest('hex').slice(0, 32);

if (process.env.ROLLGATE_WRITE_GOLDEN) writeFileSync(GOLDEN, JSON.stringify(explainAll().map((c) => digest(c.explained)), null, 0).replaceAll(',', ',\n') + '\n');

describe('explainRule against the explanations of the evaluate-every-time implementation', () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as string[];
  const now = explainAll();
  const explained = now.map((c) => c.explained);

  it('covers passing, failing and erroring rules, with traces and without', () => {
    const count = (result: string) => explained.filter((g) => (g.result.ok ? String(g.result.value) : 'error') === result).length;
    for (const result of ['true', 'false', 'error']) expect(count(result)).toBeGreaterThan(50);
    expect(explained.filter((g) => g.trace.length > 3).length).toBeGreaterThan(100);
    expect(explained.filter((g) => g.message.includes('(where ')).length).toBeGreaterThan(10);
    expect(explained.filter((g) => g.message.startsWith('not (')).length).toBeGreaterThan(5);
  });

  it('gives the same result, message and trace for every case', () => {
    expect(now.length).toBe(golden.length);
    for (let i = 0; i < golden.length; i++) {
      expect(digest(explained[i]), `${JSON.stringify(now[i]!.rule)} explained as ${JSON.stringify(explained[i])}`).toBe(golden[i]);
    }
  });

  it('explains rules with missing arguments, constants and double negation as before', () => {
    const data = { list: [1], a: true, b: true };
    expect(explainRule({ all: [] }, data).trace).toEqual(['{"all":[]} → error: `all` takes 2 arguments, but has 0', '  undefined → undefined', '  (then undefined for each item)']);
    expect(explainRule({ some: [{ var: 'list' }] }, data).trace).toEqual(['{"some":[{"var":"list"}]} → error: `some` takes 2 arguments, but has 1', '  list → [1]', '  (then undefined for each item)']);
    expect(explainRule(true, data)).toEqual({ result: { ok: true, value: true }, message: 'true', trace: ['true → true'] });
    expect(explainRule('x', data)).toEqual({ result: { ok: false, error: 'the rule returned "x", not true or false' }, message: 'the rule returned "x", not true or false', trace: ['x → x'] });
    expect(explainRule({ '!': { '!': { and: [{ var: 'a' }, { var: 'b' }] } } }, data).message).toBe('not (not (a = true)); not (not (b = true))');
  });

  it('explains a rule again on the same values, or on others, as afresh (the last explanation is reused only for the same values)', () => {
    const variants = [DATA[0]!, DATA[1]!, { ...DATA[0]!, a: 2, n: 3.5 }, { ...DATA[1]!, obj: { x: 2, y: 'pass' } }, { ...DATA[0]!, a: -0 }, { ...DATA[0]!, a: NaN }];
    const order = [0, 0, 1, 1, 0, 2, 2, 0, 3, 3, 1, 4, 4, 0, 5, 5, 0];
    for (const c of cases().slice(0, 400)) {
      for (const options of [{ trace: c.trace, quietWhen: c.quietWhen }, { trace: !c.trace, quietWhen: !c.quietWhen }]) {
        for (const d of order) {
          // A copy of the rule has a plan of its own, with nothing remembered.
          const fresh = explainRule(structuredClone(c.rule), variants[d], options);
          expect(explainRule(c.rule, variants[d], options), `${JSON.stringify(c.rule)} on data ${d}`).toEqual(fresh);
        }
      }
    }
  });

  it('shares a sub-expression that appears twice (a YAML alias) without changing what is shown', () => {
    const shared = { var: 'n' };
    const explained = explainRule({ and: [{ '>': [shared, 0] }, { '<': [shared, 10] }, { '==': [shared, 4] }] }, DATA[0], {});
    expect(explained.message).toBe('n = 3, expected == 4');
    expect(explained.trace).toEqual([
      '{"and":[{">":[{"var":"n"},0]},{"<":[{"var":"n"},10]},{"==":[{"var":"n"},4]}]} → false',
      '  {">":[{"var":"n"},0]} → true',
      '    n → 3',
      '  {"<":[{"var":"n"},10]} → true',
      '    n → 3',
      '  {"==":[{"var":"n"},4]} → false',
      '    n → 3',
    ]);
  });
});
