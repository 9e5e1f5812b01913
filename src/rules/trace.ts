/**
 * Explains a rule: what each sub-expression evaluated to, and the sentence that says why the
 * whole came out as it did ("surface.health.queue_depth = 3, expected <= 1"). Each sub-expression
 * is evaluated on its own (rules are small, and each is compiled once).
 */
import { describeValue } from './describe-value.js';
import { evaluateRule, RuleError, type Evaluation } from './evaluate.js';
import { evaluate } from './interpret.js';

export interface Explanation {
  result: Evaluation;
  /** Why the rule gave its result (or failed to), for decisions. */
  message: string;
  /** Every sub-expression with its value, depth-first, indented: for `--explain`. */
  trace: string[];
}

type Value = { ok: true; value: unknown } | { ok: false; error: string };

const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=', 'in']);
const PER_ITEM = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);
const CONDITIONS = new Set(['and', 'or', 'if', '?:']);

function valueOf(expr: unknown, data: unknown): Value {
  try {
    return { ok: true, value: evaluate(expr, data) };
  } catch (err) {
    return { ok: false, error: err instanceof RuleError ? err.message : `failed: ${(err as Error).message}` };
  }
}

function opOf(expr: unknown): [string, unknown[]] | null {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return null;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return null;
  const raw = (expr as Record<string, unknown>)[keys[0]!];
  return [keys[0]!, Array.isArray(raw) ? raw : [raw]];
}

export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? text.slice(0, 117) + '…' : text;
}

/** Labels of spec sub-expressions, which do not change between checks. */
const labels = new WeakMap<object, string>();

/** `surface.health.queue_depth` for a var, the compact JSON of anything else. */
function label(expr: unknown): string {
  const cached = expr !== null && typeof expr === 'object' ? labels.get(expr) : undefined;
  if (cached !== undefined) return cached;
  const op = opOf(expr);
  const text = op && op[0] === 'var' && (typeof op[1][0] === 'string' || typeof op[1][0] === 'number') ? String(op[1][0]) : show(expr);
  if (expr !== null && typeof expr === 'object') labels.set(expr, text);
  return text;
}

/** A condition's truth, for values the interpreter accepted as conditions (booleans, lists). */
const isTrue = (value: unknown) => (Array.isArray(value) ? value.length > 0 : value === true);

const isLiteral = (expr: unknown) => opOf(expr) === null && (expr === null || typeof expr !== 'object' || Array.isArray(expr));

/** "x = 3" for an expression, or just "3" for a literal. */
function side(expr: unknown, data: unknown, withValueInParens: boolean): string {
  if (isLiteral(expr)) return show(expr);
  const v = valueOf(expr, data);
  const shown = v.ok ? show(v.value) : `error (${v.error})`;
  return withValueInParens ? `${label(expr)} (${shown})` : `${label(expr)} = ${shown}`;
}

/** Sentences saying why `expr` evaluated to what it did. */
function why(expr: unknown, data: unknown): string[] {
  const op = opOf(expr);
  const v = valueOf(expr, data);
  if (!v.ok) {
    if (!op || op[0] === 'var' || PER_ITEM.has(op[0])) return [v.error];
    // Point at the innermost failing piece: the operand whose error this is.
    for (const arg of op[1]) {
      if (opOf(arg)) {
        const a = valueOf(arg, data);
        if (!a.ok && a.error === v.error) return why(arg, data);
      }
    }
    // This operator refused its operands' values: say which operand had which type.
    const [name, args] = op;
    const operands = args
      .map((arg, i) => {
        if (isLiteral(arg)) return null;
        const a = valueOf(arg, data);
        if (!a.ok) return null;
        if (CONDITIONS.has(name)) {
          // Only a condition that is not one (the operands of and/or, the tests of if and ?:).
          const isCondition = name === 'and' || name === 'or' || (name === '?:' ? i === 0 : i % 2 === 0 && i < args.length - 1);
          if (!isCondition || typeof a.value === 'boolean' || Array.isArray(a.value)) return null;
        }
        return `${label(arg)} is ${describeValue(a.value)}`;
      })
      .filter((text) => text !== null);
    return [operands.length ? `${v.error} (where ${operands.join(', ')})` : v.error];
  }
  if (!op) return [show(expr)];
  const [name, args] = op;
  if (COMPARISONS.has(name)) {
    if (args.length === 3) return [`${side(args[1], data, false)}, expected between ${side(args[0], data, true)} and ${side(args[2], data, true)} (${name})`];
    return [`${side(args[0], data, false)}, expected ${name} ${side(args[1], data, true)}`];
  }
  if (name === 'and' || name === 'or') {
    const values = args.map((a) => valueOf(a, data));
    const decisive = values.findIndex((x) => !x.ok || (name === 'and' ? !isTrue(x.value) : isTrue(x.value)));
    if (decisive >= 0) return why(args[decisive], data);
    return args.flatMap((a) => why(a, data));
  }
  if (name === '!') return why(args[0], data).map((s) => `not (${s})`);
  if (name === '!!') return why(args[0], data);
  if (name === 'var') return [`${label(expr)} = ${show(v.value)}`];
  return [`${label(expr)} = ${show(v.value)}`];
}

function traceLines(expr: unknown, data: unknown, depth: number, out: string[]): void {
  const v = valueOf(expr, data);
  const indent = '  '.repeat(depth);
  out.push(`${indent}${label(expr)} → ${v.ok ? show(v.value) : `error: ${v.error}`}`);
  const op = opOf(expr);
  if (!op || op[0] === 'var') return;
  if (PER_ITEM.has(op[0])) {
    traceLines(op[1][0], data, depth + 1, out);
    out.push(`${indent}  (then ${label(op[1][1])} for each item)`);
    return;
  }
  for (const arg of op[1]) if (!isLiteral(arg)) traceLines(arg, data, depth + 1, out);
}

export interface ExplainOptions {
  /** false: skip the sub-expression listing. */
  trace?: boolean;
  /** Without a trace, skip the message too when the rule gives this (unremarkable) result. */
  quietWhen?: boolean;
}

export function explainRule(rule: unknown, data: unknown, options: ExplainOptions = {}): Explanation {
  const result = evaluateRule(rule, data);
  const trace: string[] = [];
  if (options.trace !== false) traceLines(rule, data, 0, trace);
  else if (result.ok && result.value === options.quietWhen) return { result, message: '', trace };
  const notBoolean = !result.ok && result.error.startsWith('the rule returned');
  return { result, message: notBoolean ? result.error : why(rule, data).join('; '), trace };
}
