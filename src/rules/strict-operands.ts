/**
 * rollgate never coerces (docs/rules.md): the operand checks behind every operator. A value of
 * the wrong type is a RuleError naming the operator and what it got, never a guess: json-logic's
 * loose rules make `"" == 0`, `null <= 0.01` and `"5" == 5` true, and a garbled field must not
 * silently pass a gate.
 */
import { describeValue } from './describe-value.js';
import { RuleError } from './rule-error.js';

const NEVER_COERCES = 'rollgate never coerces';

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNonFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
const isStructure = (v: unknown) => v !== null && typeof v === 'object';

function listed(values: readonly unknown[]): string {
  const shown = values.map(describeValue);
  return shown.length <= 2 ? shown.join(' with ') : `${shown.slice(0, -1).join(' with ')} and ${shown[shown.length - 1]}`;
}

function nonFinite(op: string, value: unknown): RuleError {
  return new RuleError(`\`${op}\` got ${describeValue(value)}: rules take finite numbers only (NaN and ±Infinity, e.g. 1e400 in YAML or JSON, are errors)`);
}

/** `==` `===` `!=` `!==`: true when equal. One type on both sides, or null on either. */
export function equal(op: string, a: unknown, b: unknown): boolean {
  const type = typeof a;
  if (type === typeof b) {
    if (type === 'string' || type === 'boolean') return a === b;
    if (type === 'number' && Number.isFinite(a) && Number.isFinite(b)) return a === b;
  }
  if ((a === null || b === null) && !isNonFinite(a) && !isNonFinite(b) && a !== undefined && b !== undefined) return a === b;
  throw comparisonError(op, [a, b], false);
}

/** `<` `<=` `>` `>=`: throws unless all operands are finite numbers, or all strings. */
export function checkOrdered(op: string, a: unknown, b: unknown, c?: unknown, three = false): void {
  if (typeof a === 'number') {
    if (Number.isFinite(a) && isFiniteNumber(b) && (!three || isFiniteNumber(c))) return;
  } else if (typeof a === 'string') {
    if (typeof b === 'string' && (!three || typeof c === 'string')) return;
  }
  throw comparisonError(op, three ? [a, b, c] : [a, b], true);
}

function comparisonError(op: string, values: readonly unknown[], ordering: boolean): RuleError {
  const bad = values.find(isNonFinite);
  if (bad !== undefined) return nonFinite(op, bad);
  const what = `\`${op}\` compares ${listed(values)}`;
  if (values.some((v) => v === undefined)) return new RuleError(`${what}: an operand has no value`);
  if (values.some(isStructure)) {
    return new RuleError(`${what}: lists and mappings are never compared (${NEVER_COERCES}); compare their fields, or use \`in\` for membership`);
  }
  if (ordering && values.some((v) => v === null || typeof v === 'boolean')) {
    return new RuleError(`${what}: only numbers or strings have an order (${NEVER_COERCES})`);
  }
  return new RuleError(`${what}: ${NEVER_COERCES}; compare values of one type`);
}

/** An arithmetic operand: a finite number. */
export function numberOperand(op: string, value: unknown): number {
  if (isFiniteNumber(value)) return value;
  if (isNonFinite(value)) throw nonFinite(op, value);
  throw new RuleError(`\`${op}\` takes numbers, not ${describeValue(value)}: ${NEVER_COERCES}`);
}

/** An arithmetic result: a finite number (`x / 0`, `x % 0` and overflows are errors). */
export function finiteResult(op: string, result: number, operands: readonly unknown[]): number {
  if (Number.isFinite(result)) return result;
  throw new RuleError(`\`${op}\` of ${operands.map((v) => String(v)).join(', ')} is ${String(result)}, not a finite number`);
}

/** What a condition can be, and what to write instead of a number, string, null or mapping. */
function conditionError(where: string, value: unknown): RuleError {
  const instead =
    typeof value === 'number' ? '`{ ">": [ …, 0 ] }`'
    : typeof value === 'string' ? '`{ "!=": [ …, "" ] }`'
    : '`{ "!=": [ …, null ] }`';
  return new RuleError(`${where} ${describeValue(value)}, not true or false (or a list: empty is false): ${NEVER_COERCES}; compare it instead, e.g. ${instead}`);
}

/**
 * The truth of a condition: booleans, and lists (non-empty is true, json-logic's rule that
 * `missing` and `filter` results rely on). Numbers, strings, null and mappings are errors.
 * `i`: which operand (and/or), condition (if) or item (all, some, none, filter), for the message.
 */
export function truth(value: unknown, op: string, i: number): boolean {
  if (value === true) return true;
  if (value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  throw conditionError(`\`${op}\` ${conditionRole(op, i)}`, value);
}

function conditionRole(op: string, i: number): string {
  switch (op) {
    case '!': case '!!': return 'takes';
    case 'and': case 'or': return `operand ${i + 1} is`;
    case 'if': case '?:': return `condition ${Math.floor(i / 2) + 1} is`;
    default: return `item rule gave, for item ${i + 1},`;
  }
}

/** A list operand (`all`, `some`, `none`, `filter`, `map`, `reduce`, `missing_some`). */
export function listOperand(op: string, value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new RuleError(`\`${op}\` ${what}, not ${describeValue(value)}`);
}

/** `in`: a substring of a string, or a scalar in a list of values of its type. */
export function contains(needle: unknown, haystack: unknown): boolean {
  if (typeof needle === 'string' && typeof haystack === 'string') return haystack.includes(needle);
  const type = typeof needle;
  if (Array.isArray(haystack) && (type === 'string' || type === 'boolean' || isFiniteNumber(needle))) {
    let found = false;
    for (let i = 0; i < haystack.length; i++) {
      const item = haystack[i];
      if (typeof item !== type || (type === 'number' && !Number.isFinite(item))) {
        throw new RuleError(`\`in\` looks for ${describeValue(needle)} in a list whose item ${i + 1} is ${describeValue(item)}: ${NEVER_COERCES}; the items must be of the type of the value looked for`);
      }
      if (item === needle) found = true;
    }
    return found;
  }
  if (isNonFinite(needle)) throw nonFinite('in', needle);
  throw new RuleError(`\`in\` looks for a string in a string, or a string, number or boolean in a list, not ${describeValue(needle)} in ${describeValue(haystack)}: ${NEVER_COERCES}`);
}

/** `cat`: explicit text building from strings and finite numbers. */
export function textOperand(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isFiniteNumber(value)) return String(value);
  if (isNonFinite(value)) throw nonFinite('cat', value);
  throw new RuleError(`\`cat\` joins strings and numbers, not ${describeValue(value)}: ${NEVER_COERCES}`);
}

/** `substr`'s source (a string) and positions (integers). */
export function substrOperand(value: unknown, role: 'source' | 'start' | 'length'): void {
  if (role === 'source' ? typeof value === 'string' : Number.isInteger(value)) return;
  throw new RuleError(`\`substr\` takes ${role === 'source' ? 'a string' : `an integer ${role}`}, not ${describeValue(value)}: ${NEVER_COERCES}`);
}
