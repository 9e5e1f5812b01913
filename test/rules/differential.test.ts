/**
 * rollgate's interpreter agrees with json-logic-js on every well-typed case: cases in the shape of
 * json-logic's official test suite ([rule, data, expected]), written out here (there is no network),
 * keeping those whose operands are of one type. json-logic-js is the reference, imported only here.
 */
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/rules/interpret.js';

type Case = [rule: unknown, data: unknown, expected: unknown];

const CASES: Record<string, Case[]> = {
  equality: [
    [{ '==': [1, 1] }, {}, true], [{ '==': [1, 2] }, {}, false], [{ '==': ['a', 'a'] }, {}, true], [{ '==': ['a', 'b'] }, {}, false],
    [{ '==': [true, true] }, {}, true], [{ '==': [true, false] }, {}, false], [{ '==': [null, null] }, {}, true],
    [{ '==': [null, 0] }, {}, false], [{ '==': [null, ''] }, {}, false], [{ '==': [null, false] }, {}, false],
    [{ '===': [1, 1] }, {}, true], [{ '===': [1, 2] }, {}, false], [{ '===': ['', ''] }, {}, true],
    [{ '!=': [1, 2] }, {}, true], [{ '!=': [1, 1] }, {}, false], [{ '!=': [null, 0] }, {}, true], [{ '!=': ['a', 'a'] }, {}, false],
    [{ '!==': [1, 2] }, {}, true], [{ '!==': [1, 1] }, {}, false], [{ '!==': ['a', 'b'] }, {}, true],
    [{ '==': [{ var: 'a' }, null] }, { a: null }, true], [{ '!=': [{ var: 'a' }, null] }, { a: { b: 1 } }, true],
    [{ '==': [{ var: 'a' }, 1] }, { a: 1 }, true], [{ '==': [{ var: 'a' }, 0] }, { a: 0 }, true],
  ],
  ordering: [
    [{ '>': [2, 1] }, {}, true], [{ '>': [1, 1] }, {}, false], [{ '>': [1, 2] }, {}, false], [{ '>': ['b', 'a'] }, {}, true],
    [{ '>=': [1, 1] }, {}, true], [{ '>=': [1, 2] }, {}, false], [{ '>=': [2, 1] }, {}, true],
    [{ '<': [1, 2] }, {}, true], [{ '<': [2, 1] }, {}, false], [{ '<': [1, 1] }, {}, false], [{ '<': ['a', 'b'] }, {}, true],
    [{ '<=': [1, 1] }, {}, true], [{ '<=': [2, 1] }, {}, false], [{ '<=': [1, 2] }, {}, true],
    [{ '<': [1, 2, 3] }, {}, true], [{ '<': [1, 1, 3] }, {}, false], [{ '<': [1, 4, 3] }, {}, false], [{ '<': [1, 3, 3] }, {}, false],
    [{ '<=': [1, 2, 3] }, {}, true], [{ '<=': [1, 1, 3] }, {}, true], [{ '<=': [1, 4, 3] }, {}, false], [{ '<=': [1, 3, 3] }, {}, true],
    [{ '<=': [{ var: 'x' }, 0.01] }, { x: 0 }, true], [{ '<=': [{ var: 'x' }, 0.01] }, { x: 0.02 }, false],
    [{ '<': [0, { var: 'temp' }, 100] }, { temp: 37 }, true], [{ '>': [-0.5, -1] }, {}, true],
  ],
  logic: [
    [{ '!': [false] }, {}, true], [{ '!': false }, {}, true], [{ '!': [true] }, {}, false], [{ '!': true }, {}, false],
    [{ '!': [[]] }, {}, true], [{ '!': [[0]] }, {}, false], [{ '!!': [[]] }, {}, false], [{ '!!': [['0']] }, {}, true],
    [{ '!!': [true] }, {}, true], [{ '!!': [false] }, {}, false],
    [{ or: [true, true] }, {}, true], [{ or: [false, true] }, {}, true], [{ or: [true, false] }, {}, true], [{ or: [false, false] }, {}, false],
    [{ or: [false, false, true] }, {}, true], [{ or: [false, false, false] }, {}, false], [{ or: [false] }, {}, false], [{ or: [true] }, {}, true],
    [{ or: [[], [1]] }, {}, [1]], [{ or: [[], false] }, {}, false],
    [{ and: [true, true] }, {}, true], [{ and: [false, true] }, {}, false], [{ and: [true, false] }, {}, false], [{ and: [false, false] }, {}, false],
    [{ and: [true, true, true] }, {}, true], [{ and: [true, true, false] }, {}, false], [{ and: [true] }, {}, true], [{ and: [false] }, {}, false],
    [{ and: [[1], []] }, {}, []], [{ and: [[1], [2]] }, {}, [2]],
    [{ '?:': [true, 1, 2] }, {}, 1], [{ '?:': [false, 1, 2] }, {}, 2],
    [{ if: [true, 'yes', 'no'] }, {}, 'yes'], [{ if: [false, 'yes', 'no'] }, {}, 'no'], [{ if: [false, 'yes'] }, {}, null],
    [{ if: [[], 'apple', 'banana'] }, {}, 'banana'], [{ if: [[1], 'apple', 'banana'] }, {}, 'apple'],
    [{ if: [false, 'apple', false, 'banana', 'carrot'] }, {}, 'carrot'], [{ if: [false, 'apple', true, 'banana', 'carrot'] }, {}, 'banana'],
    [{ if: [true] }, {}, true], [{ if: ['only'] }, {}, 'only'],
    [{ if: [{ '<': [{ var: 'temp' }, 0] }, 'freezing', { '<': [{ var: 'temp' }, 100] }, 'liquid', 'gas'] }, { temp: 200 }, 'gas'],
    [{ if: [{ '<': [{ var: 'temp' }, 0] }, 'freezing', { '<': [{ var: 'temp' }, 100] }, 'liquid', 'gas'] }, { temp: 55 }, 'liquid'],
    [{ and: [{ '>': [3, 1] }, { '<': [1, 3] }] }, {}, true],
  ],
  arithmetic: [
    [{ '+': [1, 2] }, {}, 3], [{ '+': [2, 2, 2] }, {}, 6], [{ '+': [1] }, {}, 1], [{ '+': [] }, {}, 0], [{ '+': [0.1, 0.2] }, {}, 0.30000000000000004],
    [{ '*': [3, 2] }, {}, 6], [{ '*': [2, 2, 2] }, {}, 8], [{ '*': [1] }, {}, 1], [{ '*': [1.5, 2] }, {}, 3],
    [{ '-': [2, 3] }, {}, -1], [{ '-': [3, 2] }, {}, 1], [{ '-': [3] }, {}, -3], [{ '-': [-3] }, {}, 3],
    [{ '/': [4, 2] }, {}, 2], [{ '/': [2, 4] }, {}, 0.5], [{ '/': [-1, 4] }, {}, -0.25],
    [{ '%': [1, 2] }, {}, 1], [{ '%': [2, 2] }, {}, 0], [{ '%': [3, 2] }, {}, 1], [{ '%': [-3, 2] }, {}, -1],
    [{ max: [1, 2, 3] }, {}, 3], [{ max: [1, 3, 3] }, {}, 3], [{ max: [3, 2, 1] }, {}, 3], [{ max: [1] }, {}, 1],
    [{ min: [1, 2, 3] }, {}, 1], [{ min: [1, 1, 3] }, {}, 1], [{ min: [3, 2, 1] }, {}, 1], [{ min: [1] }, {}, 1],
    [{ '+': [{ var: 'a' }, { '*': [{ var: 'b' }, 2] }] }, { a: 1, b: 3 }, 7],
  ],
  strings: [
    [{ in: ['Spring', 'Springfield'] }, {}, true], [{ in: ['i', 'team'] }, {}, false], [{ in: ['', 'x'] }, {}, true],
    [{ in: ['Bart', ['Bart', 'Homer', 'Lisa', 'Marge', 'Maggie']] }, {}, true], [{ in: ['Milhouse', ['Bart', 'Homer']] }, {}, false],
    [{ in: [2, [1, 2, 3]] }, {}, true], [{ in: [4, [1, 2, 3]] }, {}, false], [{ in: [true, [false]] }, {}, false], [{ in: ['a', []] }, {}, false],
    [{ in: [{ var: 'state' }, ['degraded', 'failing']] }, { state: 'failing' }, true],
    [{ cat: 'ice' }, {}, 'ice'], [{ cat: ['ice'] }, {}, 'ice'], [{ cat: ['ice', 'cream'] }, {}, 'icecream'], [{ cat: [1, 2] }, {}, '12'],
    [{ cat: ['Robocop', 2] }, {}, 'Robocop2'], [{ cat: ['we all scream for ', 'ice', 'cream'] }, {}, 'we all scream for icecream'],
    [{ cat: [3.14, '!'] }, {}, '3.14!'], [{ cat: [] }, {}, ''],
    [{ substr: ['jsonlogic', 4] }, null, 'logic'], [{ substr: ['jsonlogic', -5] }, null, 'logic'], [{ substr: ['jsonlogic', 0, 1] }, null, 'j'],
    [{ substr: ['jsonlogic', -1, 1] }, null, 'c'], [{ substr: ['jsonlogic', 4, 5] }, null, 'logic'], [{ substr: ['jsonlogic', -5, 5] }, null, 'logic'],
    [{ substr: ['jsonlogic', -5, -2] }, null, 'log'], [{ substr: ['jsonlogic', 1, -5] }, null, 'son'], [{ substr: ['jsonlogic', 20] }, null, ''],
    [{ substr: ['jsonlogic', -20, 2] }, null, 'js'], [{ substr: ['jsonlogic', 2, -20] }, null, ''], [{ substr: ['jsonlogic', 0, 0] }, null, ''],
  ],
  merge: [
    [{ merge: [] }, null, []], [{ merge: [[1]] }, null, [1]], [{ merge: [[1], []] }, null, [1]], [{ merge: [[1], [2]] }, null, [1, 2]],
    [{ merge: [[1], [2], [3]] }, null, [1, 2, 3]], [{ merge: [[1, 2], [3]] }, null, [1, 2, 3]], [{ merge: [[1], [2, 3]] }, null, [1, 2, 3]],
    [{ merge: 1 }, null, [1]], [{ merge: [1, 2] }, null, [1, 2]], [{ merge: [1, [2]] }, null, [1, 2]], [{ merge: [[[1]], [2]] }, null, [[1], 2]],
  ],
  var: [
    [{ var: ['a'] }, { a: 1 }, 1], [{ var: 'a' }, { a: 1 }, 1], [{ var: ['a', 1] }, { a: 2 }, 2], [{ var: ['b', 2] }, { a: 1 }, 2],
    [{ var: 'a.b' }, { a: { b: 'c' } }, 'c'], [{ var: ['a.q', 9] }, { a: { b: 'c' } }, 9], [{ var: ['a.b.c', 9] }, { a: null }, 9],
    [{ var: 1 }, ['apple', 'banana'], 'banana'], [{ var: '1' }, ['apple', 'banana'], 'banana'], [{ var: '1.1' }, ['apple', ['banana', 'beer']], 'beer'],
    [{ var: '' }, 1, 1], [{ var: null }, 1, 1], [{ var: [] }, 1, 1], [{ var: 'a' }, { a: null }, null], [{ var: 'a' }, { a: false }, false],
    [{ var: { cat: ['a', '.b'] } }, { a: { b: 7 } }, 7], [{ var: ['x', { '+': [1, 1] }] }, {}, 2],
    [{ var: 'items.length' }, { items: [1, 2] }, 2],
  ],
  missing: [
    [{ missing: [] }, null, []], [{ missing: ['a'] }, null, ['a']], [{ missing: 'a' }, null, ['a']], [{ missing: 'a' }, { a: 'apple' }, []],
    [{ missing: ['a'] }, { a: 'apple' }, []], [{ missing: ['a', 'b'] }, { a: 'apple' }, ['b']], [{ missing: ['a', 'b'] }, { b: 'banana' }, ['a']],
    [{ missing: ['a', 'b'] }, { a: 'apple', b: 'banana' }, []], [{ missing: ['a', 'b'] }, {}, ['a', 'b']], [{ missing: ['a', 'b'] }, null, ['a', 'b']],
    [{ missing: ['a.b'] }, null, ['a.b']], [{ missing: ['a.b'] }, { a: 'apple' }, ['a.b']], [{ missing: ['a.b'] }, { a: { c: 'apple cake' } }, ['a.b']],
    [{ missing: ['a.b'] }, { a: { b: 'apple brownie' } }, []], [{ missing: ['a.b', 'a.c'] }, { a: { b: 'apple brownie' } }, ['a.c']],
    [{ missing: ['a'] }, { a: null }, ['a']], [{ missing: ['a', 'b'] }, { a: 0, b: false }, []],
    [{ missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] } }, { financing: true }, ['vin', 'apr']],
    [{ missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] } }, { financing: false }, ['vin']],
    [{ missing_some: [1, ['a', 'b']] }, { a: 'apple' }, []], [{ missing_some: [1, ['a', 'b']] }, { b: 'banana' }, []],
    [{ missing_some: [1, ['a', 'b']] }, { a: 'apple', b: 'banana' }, []], [{ missing_some: [1, ['a', 'b']] }, { c: 'carrot' }, ['a', 'b']],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { a: 'apple', b: 'banana' }, []], [{ missing_some: [2, ['a', 'b', 'c']] }, { a: 'apple', c: 'carrot' }, []],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { a: 'apple', b: 'banana', c: 'carrot' }, []],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { a: 'apple', d: 'durian' }, ['b', 'c']],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { d: 'durian', e: 'eggplant' }, ['a', 'b', 'c']],
    [{ if: [{ missing: ['a', 'b'] }, 'Not enough fruit', 'OK to proceed'] }, { a: 'apple', b: 'banana' }, 'OK to proceed'],
    [{ if: [{ missing: ['a', 'b'] }, 'Not enough fruit', 'OK to proceed'] }, { a: 'apple' }, 'Not enough fruit'],
    [{ '!': { missing: ['a'] } }, {}, false], [{ '!': { missing: ['a'] } }, { a: 1 }, true],
    [
      { if: [{ merge: [{ missing: ['first_name', 'last_name'] }, { missing_some: [1, ['cell_phone', 'home_phone']] }] }, 'We require first name, last name, and one phone number.', 'OK to proceed'] },
      { first_name: 'Bruce', last_name: 'Wayne' }, 'We require first name, last name, and one phone number.',
    ],
    [
      { if: [{ merge: [{ missing: ['first_name', 'last_name'] }, { missing_some: [1, ['cell_phone', 'home_phone']] }] }, 'We require first name, last name, and one phone number.', 'OK to proceed'] },
      { first_name: 'Bruce', last_name: 'Wayne', cell_phone: 555 }, 'OK to proceed',
    ],
  ],
  lists: [
    [{ all: [{ var: 'integers' }, { '>=': [{ var: '' }, 1] }] }, { integers: [1, 2, 3] }, true],
    [{ all: [{ var: 'integers' }, { '==': [{ var: '' }, 1] }] }, { integers: [1, 2, 3] }, false],
    [{ all: [{ var: 'integers' }, { '<': [{ var: '' }, 1] }] }, { integers: [] }, false],
    [{ all: [{ var: 'items' }, { '>=': [{ var: 'qty' }, 1] }] }, { items: [{ qty: 1, sku: 'apple' }, { qty: 2, sku: 'banana' }] }, true],
    [{ all: [{ var: 'items' }, { '>': [{ var: 'qty' }, 1] }] }, { items: [{ qty: 1, sku: 'apple' }, { qty: 2, sku: 'banana' }] }, false],
    [{ all: [[1, 2, 3], { '>': [{ var: '' }, 0] }] }, null, true],
    [{ none: [{ var: 'integers' }, { '>=': [{ var: '' }, 1] }] }, { integers: [1, 2, 3] }, false],
    [{ none: [{ var: 'integers' }, { '==': [{ var: '' }, 1] }] }, { integers: [1, 2, 3] }, false],
    [{ none: [{ var: 'integers' }, { '<': [{ var: '' }, 1] }] }, { integers: [1, 2, 3] }, true],
    [{ none: [{ var: 'integers' }, { '<': [{ var: '' }, 1] }] }, { integers: [] }, true],
    [{ some: [{ var: 'integers' }, { '>=': [{ var: '' }, 3] }] }, { integers: [1, 2, 3] }, true],
    [{ some: [{ var: 'integers' }, { '==': [{ var: '' }, 4] }] }, { integers: [1, 2, 3] }, false],
    [{ some: [{ var: 'integers' }, { '<': [{ var: '' }, 1] }] }, { integers: [] }, false],
    [{ some: [{ var: 'items' }, { '>=': [{ var: 'qty' }, 2] }] }, { items: [{ qty: 1, sku: 'apple' }, { qty: 2, sku: 'banana' }] }, true],
    [{ filter: [{ var: 'integers' }, true] }, { integers: [1, 2, 3] }, [1, 2, 3]],
    [{ filter: [{ var: 'integers' }, false] }, { integers: [1, 2, 3] }, []],
    [{ filter: [{ var: 'integers' }, { '>=': [{ var: '' }, 2] }] }, { integers: [1, 2, 3] }, [2, 3]],
    [{ filter: [{ var: 'integers' }, { '==': [{ '%': [{ var: '' }, 2] }, 1] }] }, { integers: [1, 2, 3] }, [1, 3]],
    [{ map: [{ var: 'integers' }, { '*': [{ var: '' }, 2] }] }, { integers: [1, 2, 3] }, [2, 4, 6]],
    [{ map: [{ var: 'integers' }, { '*': [{ var: '' }, 2] }] }, { integers: [] }, []],
    [{ map: [{ var: 'desserts' }, { var: 'qty' }] }, { desserts: [{ name: 'apple', qty: 1 }, { name: 'brownie', qty: 2 }] }, [1, 2]],
    [{ reduce: [{ var: 'integers' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, { integers: [1, 2, 3, 4] }, 10],
    [{ reduce: [{ var: 'integers' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, { var: 'start_with' }] }, { integers: [1, 2, 3, 4], start_with: 59 }, 69],
    [{ reduce: [{ var: 'integers' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, { integers: [] }, 0],
    [{ reduce: [{ var: 'integers' }, { '*': [{ var: 'current' }, { var: 'accumulator' }] }, 1] }, { integers: [1, 2, 3, 4] }, 24],
    [{ reduce: [{ var: 'integers' }, { '*': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, { integers: [1, 2, 3, 4] }, 0],
    [{ reduce: [{ var: 'desserts' }, { '+': [{ var: 'accumulator' }, { var: 'current.qty' }] }, 0] }, { desserts: [{ name: 'apple', qty: 1 }, { name: 'brownie', qty: 2 }] }, 3],
    [{ reduce: [[], { var: 'current' }] }, {}, null],
  ],
  data: [
    [{ '<': [{ var: 'a' }, 10] }, { a: 5 }, true], [{ '==': [{ var: 'x.y' }, 'z'] }, { x: { y: 'z' } }, true],
    [[1, { var: 'a' }, 'x'], { a: 2 }, [1, 2, 'x']], [{ a: 1, b: 2 }, {}, { a: 1, b: 2 }], [{}, {}, {}], [3, {}, 3], ['text', {}, 'text'],
    [{ and: [{ '>': [{ var: 'surface.health.queue_depth' }, 0] }, { '!': { var: 'surface.stale' } }] }, { surface: { health: { queue_depth: 2 }, stale: false } }, true],
  ],
};

describe.each(Object.entries(CASES))('%s', (_group, cases) => {
  it.each(cases)('%j over %j is %j, as in json-logic-js', (rule, data, expected) => {
    const reference = jsonLogic.apply(rule as jsonLogic.RulesLogic, data);
    expect(reference).toEqual(expected); // the case is written right
    expect(evaluate(rule, data)).toEqual(reference);
  });
});
