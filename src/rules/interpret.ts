/**
 * rollgate's json-logic interpreter: json-logic-js's operators (less `log`) with json-logic's
 * results for well-typed operands, and an error for anything that json-logic would coerce
 * (docs/rules.md). It shares nothing with other code in the process: json-logic-js keeps one
 * mutable operation table per process, which rollgate used to patch.
 *
 * Each expression is compiled once into a closure (cached per expression object: a spec's rules
 * are evaluated at every check), so a check dispatches no operator names and allocates little.
 */
import { NOT_FOUND, resolve, resolverOf, segmentsOf, unresolvedPath } from './lookup.js';
import { isOperator, OPERATORS } from './operators.js';
import { RuleError } from './rule-error.js';
import { describeValue } from './describe-value.js';
import {
  checkOrdered, contains, equal, finiteResult, listOperand, numberOperand, substrOperand, textOperand, truth,
} from './strict-operands.js';

export type Compiled = (data: unknown) => unknown;

const cache = new WeakMap<object, Compiled>();

/** The value of a json-logic expression; throws a RuleError when it cannot be evaluated. */
export function evaluate(expr: unknown, data: unknown): unknown {
  if (expr === null || typeof expr !== 'object') return expr;
  return compile(expr)(data);
}

export function compile(expr: unknown): Compiled {
  if (expr === null || typeof expr !== 'object') return () => expr;
  let compiled = cache.get(expr);
  if (!compiled) {
    compiled = build(expr);
    cache.set(expr, compiled);
  }
  return compiled;
}

const isLiteral = (expr: unknown) => expr === null || typeof expr !== 'object';

function build(expr: object): Compiled {
  if (Array.isArray(expr)) {
    // A list of constants is itself (json-logic copies it; no operator writes to its operands).
    if (expr.every(isLiteral)) return () => expr;
    const items = expr.map(compile);
    return (data) => {
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = items[i]!(data);
      return out;
    };
  }
  const keys = Object.keys(expr);
  if (keys.length !== 1) return () => expr; // json-logic: a mapping that is not one operator is data
  const op = keys[0]!;
  const raw = (expr as Record<string, unknown>)[op];
  const args = Array.isArray(raw) ? raw : [raw];
  if (!isOperator(op)) {
    return fail(`unknown operator \`${op}\`` + (op === 'log' ? " (json-logic's `log` is left out: it would write to the console from inside the engine)" : `; the operators are ${Object.keys(OPERATORS).join(' ')}`));
  }
  const info = OPERATORS[op]!;
  const count = raw === undefined || (op === 'var' && raw === null) ? 0 : args.length;
  if (count < info.min || count > info.max) {
    const wanted = info.min === info.max ? `${info.min}` : info.max === Infinity ? `at least ${info.min}` : `${info.min} or ${info.max}`;
    return fail(`\`${op}\` takes ${wanted} argument${wanted === '1' ? '' : 's'}, but has ${count}`);
  }
  return OPERATIONS[op]!(args.map(compile), args, op);
}

function fail(message: string): Compiled {
  return () => {
    throw new RuleError(message);
  };
}

/** Builds an operator's closure from its compiled arguments (and the raw ones, for constants). */
type Builder = (a: Compiled[], raw: unknown[], op: string) => Compiled;

const values = (a: Compiled[], data: unknown): unknown[] => {
  const out = new Array<unknown>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!(data);
  return out;
};

const equality = (negate: boolean): Builder => ([a, b], _raw, op) =>
  negate ? (data) => !equal(op, a!(data), b!(data)) : (data) => equal(op, a!(data), b!(data));

const lessThan = (orEqual: boolean): Builder => ([a, b, c], _raw, op) => {
  if (c === undefined) {
    return orEqual
      ? (data) => { const x = a!(data), y = b!(data); checkOrdered(op, x, y); return (x as number) <= (y as number); }
      : (data) => { const x = a!(data), y = b!(data); checkOrdered(op, x, y); return (x as number) < (y as number); };
  }
  // The between form: json-logic evaluates all three, then `a < b && b < c`.
  return (data) => {
    const x = a!(data), y = b!(data), z = c(data);
    checkOrdered(op, x, y, z, true);
    return orEqual ? (x as number) <= (y as number) && (y as number) <= (z as number) : (x as number) < (y as number) && (y as number) < (z as number);
  };
};

const greaterThan = (orEqual: boolean): Builder => ([a, b], _raw, op) => orEqual
  ? (data) => { const x = a!(data), y = b!(data); checkOrdered(op, x, y); return (x as number) >= (y as number); }
  : (data) => { const x = a!(data), y = b!(data); checkOrdered(op, x, y); return (x as number) > (y as number); };

const arithmetic = (op: string, a: Compiled[], combine: (x: number, y: number) => number, initial?: number): Compiled => (data) => {
  let acc = initial;
  for (let i = 0; i < a.length; i++) {
    const v = numberOperand(op, a[i]!(data));
    acc = acc === undefined ? v : combine(acc, v);
  }
  return checkResult(op, acc!, a, data);
};

/** Only on the rare non-finite result: re-reads the operands for the message. */
function checkResult(op: string, result: number, a: Compiled[], data: unknown): number {
  return Number.isFinite(result) ? result : finiteResult(op, result, values(a, data));
}

/** `all` `some` `none` `filter`: the item rule's result for each item decides. */
const perItem = (decide: (items: unknown[], test: (item: unknown, i: number) => boolean) => unknown): Builder => ([list, rule], _raw, op) => (data) => {
  const items = listOperand(op, list!(data), 'goes through a list');
  return decide(items, (item, i) => truth(rule!(item), op, i));
};

const OPERATIONS: Readonly<Record<string, Builder>> = {
  '==': equality(false),
  '===': equality(false),
  '!=': equality(true),
  '!==': equality(true),
  '<': lessThan(false),
  '<=': lessThan(true),
  '>': greaterThan(false),
  '>=': greaterThan(true),
  '!': ([a], _raw, op) => (data) => !truth(a!(data), op, 0),
  '!!': ([a], _raw, op) => (data) => truth(a!(data), op, 0),
  and: (a, _raw, op) => (data) => {
    let current: unknown;
    for (let i = 0; i < a.length; i++) {
      current = a[i]!(data);
      if (!truth(current, op, i)) return current;
    }
    return current;
  },
  or: (a, _raw, op) => (data) => {
    let current: unknown;
    for (let i = 0; i < a.length; i++) {
      current = a[i]!(data);
      if (truth(current, op, i)) return current;
    }
    return current;
  },
  if: (a, _raw, op) => (data) => {
    let i = 0;
    for (; i < a.length - 1; i += 2) {
      if (truth(a[i]!(data), op, i)) return a[i + 1]!(data);
    }
    return i === a.length - 1 ? a[i]!(data) : null;
  },
  '?:': ([c, y, n], _raw, op) => (data) => (truth(c!(data), op, 0) ? y!(data) : n!(data)),

  '+': (a, _raw, op) => arithmetic(op, a, (x, y) => x + y, 0),
  '*': (a, _raw, op) => arithmetic(op, a, (x, y) => x * y),
  '-': ([a, b], _raw, op) => b === undefined
    ? (data) => -numberOperand(op, a!(data))
    : (data) => { const x = numberOperand(op, a!(data)), y = numberOperand(op, b(data)); return Number.isFinite(x - y) ? x - y : finiteResult(op, x - y, [x, y]); },
  '/': ([a, b], _raw, op) => (data) => { const x = numberOperand(op, a!(data)), y = numberOperand(op, b!(data)); return finiteResult(op, x / y, [x, y]); },
  '%': ([a, b], _raw, op) => (data) => { const x = numberOperand(op, a!(data)), y = numberOperand(op, b!(data)); return finiteResult(op, x % y, [x, y]); },
  min: (a, _raw, op) => arithmetic(op, a, Math.min),
  max: (a, _raw, op) => arithmetic(op, a, Math.max),

  in: ([a, b]) => (data) => contains(a!(data), b!(data)),
  cat: (a) => (data) => {
    let out = '';
    for (let i = 0; i < a.length; i++) out += textOperand(a[i]!(data));
    return out;
  },
  substr: ([s, start, end]) => (data) => {
    const source = s!(data), from = start!(data), to = end === undefined ? undefined : end(data);
    substrOperand(source, 'source');
    substrOperand(from, 'start');
    if (to !== undefined) substrOperand(to, 'length');
    return substr(source as string, from as number, to as number | undefined);
  },
  merge: (a) => (data) => {
    const out: unknown[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!(data);
      if (Array.isArray(v)) for (const x of v) out.push(x);
      else out.push(v);
    }
    return out;
  },

  var: compileVar,
  missing: (a) => (data) => {
    const given = values(a, data);
    return missingOf(Array.isArray(given[0]) ? (given[0] as unknown[]) : given, data, 'missing');
  },
  missing_some: ([need, paths], _raw, op) => (data) => {
    const n = need!(data);
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new RuleError(`\`missing_some\` takes how many paths must be present (a number) first, not ${describeValue(n)}`);
    const options = listOperand(op, paths!(data), 'takes a list of paths second');
    const missing = missingOf(options, data, op);
    return options.length - missing.length >= n ? [] : missing;
  },

  all: perItem((items, test) => {
    if (items.length === 0) return false; // json-logic: all of nothing is false
    for (let i = 0; i < items.length; i++) if (!test(items[i], i)) return false;
    return true;
  }),
  some: perItem((items, test) => {
    for (let i = 0; i < items.length; i++) if (test(items[i], i)) return true;
    return false;
  }),
  none: perItem((items, test) => {
    for (let i = 0; i < items.length; i++) if (test(items[i], i)) return false;
    return true;
  }),
  filter: perItem((items, test) => items.filter((item, i) => test(item, i))),
  map: ([list, rule], _raw, op) => (data) => listOperand(op, list!(data), 'goes through a list').map((item) => rule!(item)),
  reduce: ([list, rule, initial], _raw, op) => (data) => {
    const items = listOperand(op, list!(data), 'goes through a list');
    let accumulator = initial === undefined ? null : initial(data);
    for (const current of items) accumulator = rule!({ current, accumulator });
    return accumulator;
  },
};

/** json-logic's `substr`: a negative length stops that many characters before the end (PHP's rule). */
function substr(source: string, start: number, length: number | undefined): string {
  const from = start < 0 ? Math.max(source.length + start, 0) : Math.min(start, source.length);
  const rest = source.slice(from);
  if (length === undefined) return rest;
  return length < 0 ? rest.slice(0, Math.max(rest.length + length, 0)) : rest.slice(0, length);
}

/** `var`: strict (DESIGN §3). A literal path (the usual case) is split once, here. */
function compileVar(a: Compiled[], raw: unknown[]): Compiled {
  const [path, fallback] = a;
  const hasDefault = a.length >= 2;
  if (a.length === 0) return (data) => data;
  if (isLiteral(raw[0])) {
    const p = raw[0];
    if (p === null || p === undefined) return (data) => data;
    if (typeof p !== 'string' && typeof p !== 'number') return fail(pathError(p));
    const text = String(p);
    const at = resolverOf(segmentsOf(text));
    return hasDefault
      ? (data) => { const v = at(data); return v === NOT_FOUND ? fallback!(data) : v; }
      : (data) => { const v = at(data); if (v === NOT_FOUND) throw unresolvedPath(data, text); return v; };
  }
  return (data) => {
    const p = path!(data);
    if (p === null || p === undefined) return data;
    if (typeof p !== 'string' && typeof p !== 'number') throw new RuleError(pathError(p));
    const v = resolve(data, segmentsOf(String(p)));
    if (v !== NOT_FOUND) return v;
    if (hasDefault) return fallback!(data);
    throw unresolvedPath(data, String(p));
  };
}

function pathError(p: unknown): string {
  return `\`var\` takes a path (a string like "surface.health.queue_depth", or a number), not ${describeValue(p)}`;
}

/** The paths that do not resolve, or resolve to null ("" is a value, not missing). */
function missingOf(paths: readonly unknown[], data: unknown, op: string): unknown[] {
  const out: unknown[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' && typeof p !== 'number') throw new RuleError(`\`${op}\` takes paths (strings), not ${describeValue(p)}`);
    const v = resolve(data, segmentsOf(String(p)));
    if (v === NOT_FOUND || v === null) out.push(p);
  }
  return out;
}
