/**
 * rollgate never coerces (docs/rules.md): every value json-logic would coerce into a pass is an
 * error instead. json-logic-js is imported only to show that each garbage case really passes there.
 */
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateRule, zeroDefaultCopy } from '../../src/rules/evaluate.js';
import { evaluate } from '../../src/rules/interpret.js';
import { explainRule } from '../../src/rules/trace.js';

const plain = (rule: unknown, data: unknown): unknown => jsonLogic.apply(rule as jsonLogic.RulesLogic, data);

/** The error message, or a failure naming what the rule gave instead. */
function errorOf(rule: unknown, data: unknown): string {
  const result = evaluateRule(rule, data);
  if (result.ok) throw new Error(`${JSON.stringify(rule)} over ${JSON.stringify(data)} gave ${result.value}, not an error`);
  return result.error;
}

/** Values that are not one number, as a field may arrive garbled; 1e400 and YAML `~` as parsed. */
const NOT_A_NUMBER: [string, unknown][] = [
  ['""', ''], ['[]', []], ['false', false], ['"0"', '0'], ['" "', ' '], ['[0]', [0]], ['"5"', '5'], ['[5]', [5]],
  ['null', null], ['"0x0"', '0x0'], ['true', true], ['{}', {}],
  ['-1e400 (JSON)', (JSON.parse('{"x": -1e400}') as { x: number }).x], ['1e400 (YAML)', (parse('x: 1e400') as { x: number }).x],
  ['~ (YAML)', (parse('x: ~') as { x: unknown }).x], ['NaN', NaN],
];

describe('comparisons never coerce', () => {
  it.each([
    ['""', ''], ['[]', []], ['false', false], ['"0"', '0'], ['" "', ' '], ['[0]', [0]],
  ])('`== 0` is an error for %s (json-logic-js: true)', (_name, x) => {
    const rule = { '==': [{ var: 'x' }, 0] };
    expect(plain(rule, { x })).toBe(true);
    expect(errorOf(rule, { x })).toMatch(/^`==` /);
  });

  it.each([['"5"', '5'], ['[5]', [5]]])('`== 5` is an error for %s (json-logic-js: true)', (_name, x) => {
    const rule = { '==': [{ var: 'x' }, 5] };
    expect(plain(rule, { x })).toBe(true);
    expect(errorOf(rule, { x })).toMatch(/^`==` /);
  });

  it.each([
    ['null', null], ['""', ''], ['[]', []], ['false', false], ['-1e400', NOT_A_NUMBER[12]![1]], ['"0x0"', '0x0'], ['YAML ~', NOT_A_NUMBER[14]![1]],
  ])('`<= 0.01` is an error for %s (json-logic-js: true)', (_name, x) => {
    const rule = { '<=': [{ var: 'x' }, 0.01] };
    expect(plain(rule, { x })).toBe(true);
    expect(errorOf(rule, { x })).toMatch(/^`<=` /);
  });

  describe.each(['==', '===', '!=', '!==', '<', '<=', '>', '>='])('%s', (op) => {
    // Equality with null is allowed (null equals only null): it is the one value left out there.
    const ordering = ['<', '<=', '>', '>='].includes(op);
    it.each(NOT_A_NUMBER.filter(([, x]) => ordering || x !== null))('against a number is an error for %s', (_name, x) => {
      expect(errorOf({ [op]: [{ var: 'x' }, 0] }, { x })).toMatch(new RegExp(`^\`${op}\` `));
      expect(errorOf({ [op]: [0, { var: 'x' }] }, { x })).toMatch(new RegExp(`^\`${op}\` `));
    });
  });

  it('the message names the operator, both values and their types', () => {
    expect(errorOf({ '==': [{ var: 'x' }, 0] }, { x: '0' })).toBe('`==` compares a string ("0") with a number (0): rollgate never coerces; compare values of one type');
    expect(errorOf({ '<=': [{ var: 'x' }, 0.01] }, { x: null })).toBe('`<=` compares null with a number (0.01): only numbers or strings have an order (rollgate never coerces)');
    expect(errorOf({ '==': [{ var: 'x' }, 0] }, { x: [0] })).toMatch(/^`==` compares a list \(\[0\]\) with a number \(0\): lists and mappings are never compared/);
    expect(errorOf({ '<': [{ var: 'x' }, 1] }, { x: -Infinity })).toMatch(/^`<` got a non-finite number \(-Infinity\): rules take finite numbers only/);
  });

  it('booleans are equal or not, but have no order', () => {
    expect(evaluateRule({ '==': [{ var: 'b' }, false] }, { b: false })).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '!=': [{ var: 'b' }, true] }, { b: false })).toEqual({ ok: true, value: true });
    expect(plain({ '<': [false, true] }, {})).toBe(true);
    expect(errorOf({ '<': [false, true] }, {})).toMatch(/only numbers or strings have an order/);
    expect(errorOf({ '>=': [{ var: 'b' }, 0] }, { b: true })).toMatch(/^`>=` compares a boolean \(true\) with a number \(0\)/);
  });

  it('null equals only null, so a rule can test an optional input that is absent; ordering null is an error', () => {
    const data = { inputs: { plan: null, signoff: { items: [] } } };
    expect(evaluateRule({ '==': [{ var: 'inputs.plan' }, null] }, data)).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '!=': [{ var: 'inputs.signoff' }, null] }, data)).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '===': [null, 0] }, data)).toEqual({ ok: true, value: false });
    expect(evaluateRule({ '!==': [null, ''] }, data)).toEqual({ ok: true, value: true });
    expect(plain({ '>=': [null, 0] }, {})).toBe(true);
    expect(errorOf({ '>=': [null, 0] }, {})).toMatch(/^`>=` compares null with a number/);
  });

  it('`==` and `===` mean the same thing: one type, then equal', () => {
    for (const op of ['==', '===']) {
      expect(evaluateRule({ [op]: ['a', 'a'] }, {})).toEqual({ ok: true, value: true });
      expect(evaluateRule({ [op]: [1, 1.0] }, {})).toEqual({ ok: true, value: true });
      expect(errorOf({ [op]: [1, '1'] }, {})).toMatch(/rollgate never coerces/);
    }
    expect(plain({ '===': [1, '1'] }, {})).toBe(false); // json-logic-js: false, silently
  });

  it('the between form checks all three operands', () => {
    expect(evaluateRule({ '<=': [0, { var: 'x' }, 10] }, { x: 5 })).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '<': [0, { var: 'x' }, 10] }, { x: 10 })).toEqual({ ok: true, value: false });
    expect(plain({ '<=': [0, { var: 'x' }, 10] }, { x: '5' })).toBe(true);
    expect(errorOf({ '<=': [0, { var: 'x' }, 10] }, { x: '5' })).toMatch(/^`<=` compares a number \(0\) with a string \("5"\) and a number \(10\)/);
    expect(errorOf({ '<': [0, 5, { var: 'x' }] }, { x: null })).toMatch(/^`<` /);
  });

  it('strings compare with strings', () => {
    expect(evaluateRule({ '<': ['apple', 'banana'] }, {})).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '==': [{ var: 'surface.rollout_gate' }, 'pass'] }, { surface: { rollout_gate: 'pass' } })).toEqual({ ok: true, value: true });
  });
});

describe('arithmetic takes finite numbers and gives finite numbers', () => {
  describe.each(['+', '-', '*', '/', '%', 'min', 'max'])('%s', (op) => {
    it.each([['"2"', '2'], ['null', null], ['true', true], ['false', false], ['[2]', [2]], ['""', ''], ['Infinity', Infinity], ['NaN', NaN]])('with %s is an error', (_name, x) => {
      expect(errorOf({ '==': [{ [op]: [{ var: 'x' }, 1] }, 1] }, { x })).toMatch(new RegExp(`^\`${op.replace(/[+*]/, '\\$&')}\` `));
      expect(errorOf({ '==': [{ [op]: [4, { var: 'x' }] }, 1] }, { x })).toMatch(new RegExp(`^\`${op.replace(/[+*]/, '\\$&')}\` `));
    });
  });

  it('json-logic-js would have added a string', () => {
    expect(plain({ '==': [{ '+': [{ var: 'x' }, 1] }, 3] }, { x: '2' })).toBe(true);
    expect(errorOf({ '==': [{ '+': [{ var: 'x' }, 1] }, 3] }, { x: '2' })).toBe('`+` takes numbers, not a string ("2"): rollgate never coerces');
  });

  it('unary minus and plus of a number work; plus of a string is coercion', () => {
    expect(evaluate({ '-': [2] }, {})).toBe(-2);
    expect(evaluate({ '+': [2] }, {})).toBe(2);
    expect(plain({ '+': ['3.14'] }, {})).toBe(3.14);
    expect(() => evaluate({ '+': ['3.14'] }, {})).toThrow(/^`\+` takes numbers, not a string/);
    expect(() => evaluate({ '-': ['3'] }, {})).toThrow(/^`-` takes numbers/);
  });

  it.each([
    [{ '/': [1, 0] }, '`/` of 1, 0 is Infinity, not a finite number'],
    [{ '/': [0, 0] }, '`/` of 0, 0 is NaN, not a finite number'],
    [{ '%': [1, 0] }, '`%` of 1, 0 is NaN, not a finite number'],
    [{ '*': [1e308, 10] }, '`*` of 1e+308, 10 is Infinity, not a finite number'],
    [{ '+': [1e308, 1e308] }, '`+` of 1e+308, 1e+308 is Infinity, not a finite number'],
    [{ '-': [-1e308, 1e308] }, '`-` of -1e+308, 1e+308 is -Infinity, not a finite number'],
  ])('%j is an error (a division by zero, an overflow)', (expr, message) => {
    expect(() => evaluate(expr, {})).toThrow(message);
    expect(errorOf({ '>': [expr, 0] }, {})).toBe(message);
  });
});

describe('non-finite numbers are errors anywhere', () => {
  const inf = (parse('x: .inf') as { x: number }).x;
  it.each([
    [{ '==': [{ var: 'x' }, { var: 'x' }] }],
    [{ '!=': [{ var: 'x' }, null] }],
    [{ '>': [{ var: 'x' }, 0] }],
    [{ in: [{ var: 'x' }, [1, 2]] }],
    [{ in: [1, [{ var: 'x' }, 1]] }],
    [{ '==': [{ cat: ['a', { var: 'x' }] }, 'a'] }],
    [{ '==': [{ max: [{ var: 'x' }, 1] }, 1] }],
  ])('%j over x = Infinity', (rule) => {
    expect(errorOf(rule, { x: inf })).toMatch(/non-finite number \(Infinity\)/);
  });
});

describe('truthiness: booleans and lists only', () => {
  /** Every place a condition is read, with whether it negates; `items` holds one `{ x }`. */
  const CONDITIONS: [unknown, boolean][] = [
    [{ '!': [{ var: 'x' }] }, true], [{ '!!': [{ var: 'x' }] }, false],
    [{ and: [{ var: 'x' }, true] }, false], [{ and: [true, { var: 'x' }] }, false],
    [{ or: [{ var: 'x' }, false] }, false], [{ or: [false, { var: 'x' }] }, false],
    [{ if: [{ var: 'x' }, true, false] }, false], [{ '?:': [{ var: 'x' }, true, false] }, false],
    [{ all: [{ var: 'items' }, { var: 'x' }] }, false], [{ some: [{ var: 'items' }, { var: 'x' }] }, false],
    [{ none: [{ var: 'items' }, { var: 'x' }] }, true], [{ '!!': { filter: [{ var: 'items' }, { var: 'x' }] } }, false],
  ];
  const isTrue = (v: unknown) => v === true || (Array.isArray(v) && v.length > 0);

  it.each([['0', 0], ['1', 1], ['""', ''], ['"0"', '0'], ['"false"', 'false'], ['" "', ' '], ['null', null], ['{}', {}]])('%s is an error as a condition', (_name, x) => {
    for (const [rule] of CONDITIONS) {
      expect(errorOf(rule, { x, items: [{ x }] }), JSON.stringify(rule)).toMatch(/not true or false \(or a list: empty is false\): rollgate never coerces; compare it instead/);
    }
  });

  it.each([['true', true, true], ['false', false, false], ['[]', [], false], ['[0]', [0], true], ['[""]', [''], true]])('%s decides as %s', (_name, x, truth) => {
    for (const [rule, negates] of CONDITIONS) {
      expect(isTrue(evaluate(rule, { x, items: [{ x }] })), JSON.stringify(rule)).toBe(negates ? !truth : truth);
    }
  });

  it('json-logic-js would have decided on a string: "false" is truthy there, "0" too', () => {
    expect(plain({ '!!': [{ var: 'x' }] }, { x: 'false' })).toBe(true);
    expect(plain({ '!': [{ var: 'x' }] }, { x: '' })).toBe(true);
    expect(errorOf({ '!!': [{ var: 'x' }] }, { x: 'false' })).toBe(
      '`!!` takes a string ("false"), not true or false (or a list: empty is false): rollgate never coerces; compare it instead, e.g. `{ "!=": [ …, "" ] }`',
    );
    expect(errorOf({ and: [true, { var: 'n' }] }, { n: 0 })).toMatch(/^`and` operand 2 is a number \(0\), not true or false .*e\.g\. `\{ ">": \[ …, 0 \] \}`$/);
    expect(errorOf({ if: [{ var: 'n' }, true, false] }, { n: null })).toMatch(/^`if` condition 1 is null, not true or false/);
    expect(errorOf({ all: [[1, 2], { var: '' }] }, {})).toMatch(/^`all` item rule gave, for item 1, a number \(1\), not true or false/);
  });

  it('and/or short-circuit and return the deciding operand', () => {
    expect(evaluate({ and: [false, { var: 'nope' }] }, {})).toBe(false);
    expect(evaluate({ or: [true, { var: 'nope' }] }, {})).toBe(true);
    expect(evaluate({ or: [[], ['a']] }, {})).toEqual(['a']);
    expect(evaluate({ and: [['a'], []] }, {})).toEqual([]);
  });

  it("a rule's result must still be true or false", () => {
    expect(evaluateRule({ or: [[], ['a']] }, {})).toEqual({ ok: false, error: 'the rule returned ["a"], not true or false' });
  });
});

describe('all / some / none / filter / map / reduce go through lists only', () => {
  it.each(['all', 'some', 'none', 'filter', 'map', 'reduce'])('%s over null, a string, a number or a mapping is an error', (op) => {
    for (const x of [null, 'abc', 3, { a: 1 }]) {
      const rule = { '!!': [{ [op]: [{ var: 'x' }, true] }] };
      expect(errorOf(rule, { x })).toMatch(new RegExp(`^\`${op}\` goes through a list, not `));
    }
  });

  it('json-logic-js would have passed `none` over null', () => {
    const rule = { none: [{ var: 'inputs.browser.timeline' }, { '!=': [{ var: 'replay_step' }, 'success'] }] };
    const data = { inputs: { browser: { timeline: null } } };
    expect(plain(rule, data)).toBe(true);
    expect(errorOf(rule, data)).toBe('`none` goes through a list, not null');
  });

  it('all of an empty list is false, as in json-logic; some false; none true', () => {
    expect(evaluateRule({ all: [[], true] }, {})).toEqual({ ok: true, value: false });
    expect(evaluateRule({ some: [[], true] }, {})).toEqual({ ok: true, value: false });
    expect(evaluateRule({ none: [[], true] }, {})).toEqual({ ok: true, value: true });
  });
});

describe('in, cat, substr', () => {
  it('in: a substring, or a value in a list of its type', () => {
    expect(evaluate({ in: ['Spring', 'Springfield'] }, {})).toBe(true);
    expect(evaluate({ in: [{ var: 's' }, ['degraded', 'failing']] }, { s: 'failing' })).toBe(true);
    expect(evaluate({ in: [2, [1, 3]] }, {})).toBe(false);
  });

  it.each([
    [{ in: [5, 'a5'] }, /^`in` looks for a string in a string, or a string, number or boolean in a list, not a number \(5\) in a string \("a5"\)/],
    [{ in: ['5', [5, 6]] }, /^`in` looks for a string \("5"\) in a list whose item 1 is a number \(5\)/],
    [{ in: [5, ['x', 5]] }, /^`in` looks for a number \(5\) in a list whose item 1 is a string \("x"\)/],
    [{ in: [null, [null]] }, /^`in` looks for .* not null in a list/],
    [{ in: ['a', null] }, /^`in` .* not a string \("a"\) in null/],
    [{ in: [[1], [[1]]] }, /^`in` /],
  ])('%j is an error', (rule, message) => {
    expect(errorOf(rule, {})).toMatch(message);
  });

  it('json-logic-js finds a number in a string, and a string among numbers', () => {
    expect(plain({ in: [5, 'a5'] }, {})).toBe(true);
    expect(plain({ in: ['a', null] }, {})).toBe(false);
  });

  it('cat builds text from strings and numbers only', () => {
    expect(evaluate({ cat: ['v', 2, '.', 1.5] }, {})).toBe('v2.1.5');
    expect(plain({ cat: ['a', null, true, [1, 2]] }, {})).toBe('atrue1,2');
    for (const x of [null, true, [1], { a: 1, b: 2 }]) expect(() => evaluate({ cat: ['a', x] }, {})).toThrow(/^`cat` joins strings and numbers, not /);
  });

  it('substr takes a string and integers', () => {
    expect(evaluate({ substr: ['jsonlogic', -5, -2] }, {})).toBe('log');
    expect(() => evaluate({ substr: [12345, 1] }, {})).toThrow(/^`substr` takes a string, not a number/);
    expect(() => evaluate({ substr: ['abc', '1'] }, {})).toThrow(/^`substr` takes an integer start, not a string/);
    expect(() => evaluate({ substr: ['abc', 0, 1.5] }, {})).toThrow(/^`substr` takes an integer length/);
  });
});

describe('missing and missing_some (json-logic docs)', () => {
  it.each([
    [{ missing: ['a', 'b'] }, { a: 'apple', c: 'carrot' }, ['b']],
    [{ missing: ['a', 'b'] }, { a: 'apple', b: 'banana' }, []],
    [{ if: [{ missing: ['a', 'b'] }, 'Not enough fruit', 'OK to proceed'] }, { a: 'apple', b: 'banana' }, 'OK to proceed'],
    [{ if: [{ missing: ['a', 'b'] }, 'Not enough fruit', 'OK to proceed'] }, { a: 'apple' }, 'Not enough fruit'],
    [{ missing_some: [1, ['a', 'b', 'c']] }, { a: 'apple' }, []],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { a: 'apple' }, ['b', 'c']],
    [
      { if: [{ merge: [{ missing: ['first_name', 'last_name'] }, { missing_some: [1, ['cell_phone', 'home_phone']] }] }, 'We require first name, last name, and one phone number.', 'OK to proceed'] },
      { first_name: 'Bruce', last_name: 'Wayne' },
      'We require first name, last name, and one phone number.',
    ],
    [{ missing: ['a.b', 'a.c'] }, { a: { b: 'apple brownie' } }, ['a.c']],
    [{ missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] } }, { financing: true }, ['vin', 'apr']],
    [{ missing: ['a'] }, { a: null }, ['a']],
    [{ missing: ['a'] }, null, ['a']],
    [{ missing: ['a.b'] }, { a: 'apple' }, ['a.b']],
  ])('%j over %j is %j', (rule, data, expected) => {
    expect(evaluate(rule, data)).toEqual(expected);
  });

  it('`!` of missing: false when the key is missing, true when it is there (this used to throw)', () => {
    expect(evaluateRule({ '!': { missing: ['a'] } }, {})).toEqual({ ok: true, value: false });
    expect(evaluateRule({ '!': { missing: ['a'] } }, { a: 1 })).toEqual({ ok: true, value: true });
    expect(evaluateRule({ if: [{ missing: ['inputs.plan.x'] }, false, true] }, { inputs: { plan: null } })).toEqual({ ok: true, value: false });
  });

  it('"" is a value, not missing (json-logic-js counts it missing); false and 0 are values too', () => {
    expect(plain({ missing: ['a'] }, { a: '' })).toEqual(['a']);
    expect(evaluate({ missing: ['a', 'b', 'c'] }, { a: '', b: false, c: 0 })).toEqual([]);
  });

  it('a reason code never seen is not missing (it reads 0); a path through __proto__ is', () => {
    const data = { events: zeroDefaultCopy({ seen: 1 }) };
    expect(evaluate({ missing: ['events.seen', 'events.never', 'events.__proto__'] }, data)).toEqual(['events.__proto__']);
  });

  it('missing_some needs a number and a list of paths', () => {
    expect(() => evaluate({ missing_some: ['1', ['a']] }, {})).toThrow(/^`missing_some` takes how many paths must be present \(a number\) first, not a string/);
    expect(() => evaluate({ missing_some: [1, 'a'] }, {})).toThrow(/^`missing_some` takes a list of paths second, not a string/);
    expect(() => evaluate({ missing: [true] }, {})).toThrow(/^`missing` takes paths \(strings\), not a boolean/);
  });
});

describe('the trace says which operand had which type', () => {
  it('a comparison', () => {
    const data = { surface: { health: { queue_depth: '3' } } };
    const explained = explainRule({ '<=': [{ var: 'surface.health.queue_depth' }, 1] }, data, { trace: false });
    expect(explained.message).toBe('`<=` compares a string ("3") with a number (1): rollgate never coerces; compare values of one type (where surface.health.queue_depth is a string ("3"))');
  });

  it('a condition inside and', () => {
    const explained = explainRule({ and: [{ var: 'a' }, { '!': { var: 'b' } }] }, { a: true, b: 'no' }, { trace: false });
    expect(explained.message).toMatch(/^`!` takes a string \("no"\), not true or false .* \(where b is a string \("no"\)\)$/);
    const direct = explainRule({ and: [{ var: 'a' }, { var: 'b' }] }, { a: true, b: 0 }, { trace: false });
    expect(direct.message).toMatch(/^`and` operand 2 is a number \(0\), .* \(where b is a number \(0\)\)$/);
  });

  it('a well-typed comparison explains as before', () => {
    const data = { surface: { health: { queue_depth: 3 } } };
    expect(explainRule({ '<=': [{ var: 'surface.health.queue_depth' }, 1] }, data, { trace: false }).message).toBe('surface.health.queue_depth = 3, expected <= 1');
    expect(explainRule({ and: [{ '!': { missing: ['a'] } }, true] }, {}, { trace: false }).message).toBe('not ({"missing":["a"]} = ["a"])');
  });
});

describe('the process-wide json-logic-js is left alone', () => {
  it('its lenient var and its log are as shipped, after rollgate evaluated rules', () => {
    expect(evaluateRule({ '==': [{ var: 'x' }, 1] }, { x: 1 })).toEqual({ ok: true, value: true });
    expect(plain({ var: 'nope' }, {})).toBeNull();
    expect(plain({ missing: ['a'] }, {})).toEqual(['a']);
    expect(jsonLogic.is_logic({ log: 1 }) && typeof (jsonLogic as unknown as { apply: unknown }).apply).toBe('function');
    const log = console.log;
    let logged: unknown;
    console.log = (x: unknown) => (logged = x);
    try {
      expect(plain({ log: 'hi' }, {})).toBe('hi');
    } finally {
      console.log = log;
    }
    expect(logged).toBe('hi');
  });
});
