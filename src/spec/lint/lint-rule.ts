/**
 * Static checks of one json-logic rule: known operators, argument counts, `var` paths that
 * resolve against the context schema, and a root that returns true or false.
 */
import { OPERATORS, isOperator } from '../../rules/operators.js';
import { reasonCodeProblem, resolveVarPath, type FieldType, type Resolution, type ValueType, type VarScope } from '../context-paths.js';
import { describeRuleOwner } from '../describe-path.js';
import { didYouMean } from '../suggest.js';
import { isRecord, type Reporter, type Segment } from './reporter.js';

type ItemScope = 'none' | 'item' | 'reduce';

/**
 * Operators people write from other languages, and what json-logic calls them. Edit distance
 * alone gets these wrong: `=<` is one edit from `==` as much as from `<=`.
 */
const OPERATOR_SLIPS: Readonly<Record<string, string>> = {
  '=<': '<=', '=>': '>=', '=!': '!=', '<>': '!=', '=': '==', '=!=': '!==', '=<=': '<=',
  '≤': '<=', '≥': '>=', '≠': '!=', '&&': 'and', '||': 'or', not: '!',
};

/** Operators that compare two values; with a strict engine, values of one type only. */
const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);

export interface RuleFacts {
  /** Inputs this rule reads, for cross-checks (e.g. a trigger on an optional input). */
  inputs: Set<string>;
  /** Metrics this rule reads (an unread metric is worth a warning). */
  metrics: Set<string>;
}

/**
 * resolveVarPath's answer, once per path and scope: a wide spec reads the same few paths in
 * hundreds of rules, and each literal var was resolved up to three times (its own check, a comparison's, a type's).
 * Resolutions are only read.
 */
const resolutions = new WeakMap<VarScope, Map<string, Resolution>>();

function resolveOnce(path: string, scope: VarScope): Resolution {
  let known = resolutions.get(scope);
  if (known === undefined) resolutions.set(scope, (known = new Map()));
  let resolution = known.get(path);
  if (resolution === undefined) known.set(path, (resolution = resolveVarPath(path, scope)));
  return resolution;
}

export function lintRule(rule: unknown, at: readonly Segment[], scope: VarScope, report: Reporter): RuleFacts {
  const facts: RuleFacts = { inputs: new Set(), metrics: new Set() };
  const owner = describeRuleOwner(report.data, at);
  const before = report.diagnostics.length;
  walk(rule, [...at], 'none');
  const clean = !report.diagnostics.slice(before).some((d) => d.severity === 'error');
  if (clean) checkReturnsBoolean();
  return facts;

  function walk(expr: unknown, path: Segment[], items: ItemScope): void {
    if (Array.isArray(expr)) {
      expr.forEach((el, i) => walk(el, [...path, i], items));
      return;
    }
    if (!isRecord(expr)) return;
    const keys = Object.keys(expr);
    if (keys.length !== 1) {
      report.error('not-an-expression', `a json-logic expression in ${owner} has exactly one operator key, but this mapping has ${keys.length === 0 ? 'none' : keys.map((k) => `\`${k}\``).join(', ')}; write one operator per mapping, e.g. \`{ and: [ …, … ] }\``, path);
      return;
    }
    const op = keys[0]!;
    const raw = expr[op];
    const args = Array.isArray(raw) ? raw : [raw];
    const argPath = (i: number): Segment[] => (Array.isArray(raw) ? [...path, op, i] : [...path, op]);
    if (!isOperator(op)) {
      const slip = Object.prototype.hasOwnProperty.call(OPERATOR_SLIPS, op) ? `; did you mean \`${OPERATOR_SLIPS[op]}\`?` : '';
      report.error('unknown-operator', `unknown json-logic operator \`${op}\` in ${owner}` + (slip || didYouMean(op, Object.keys(OPERATORS)) || `; the operators are ${Object.keys(OPERATORS).join(' ')}`), [...path, op], 'key');
      args.forEach((a, i) => walk(a, argPath(i), items));
      return;
    }
    const info = OPERATORS[op]!;
    const count = raw === undefined || (op === 'var' && raw === null) ? 0 : args.length;
    if (count < info.min || count > info.max) {
      const wanted = info.min === info.max ? `${info.min}` : info.max === Infinity ? `at least ${info.min}` : `${info.min} or ${info.max}`;
      report.error('bad-arity', `\`${op}\` in ${owner} takes ${wanted} argument${wanted === '1' ? '' : 's'}, but has ${count}`, [...path, op], 'key');
    }
    if (op === 'var') {
      checkVar(args, argPath(0), items);
      return;
    }
    if (items === 'none') {
      const reported = report.diagnostics.length;
      if (COMPARISONS.has(op)) checkComparison(op, args, argPath);
      if (op === 'in') checkReasonCodesIn(args, argPath);
      // A field compared with a literal of another type is said once, at the literal.
      if (report.diagnostics.length === reported && count >= info.min && count <= info.max) checkOperandTypes(op, args, [...path, op]);
    }
    if (info.perItem) {
      walk(args[0], argPath(0), items);
      walk(args[1], argPath(1), info.perItem);
      args.slice(2).forEach((a, i) => walk(a, argPath(i + 2), items));
      return;
    }
    args.forEach((a, i) => walk(a, argPath(i), items));
  }

  function checkVar(args: unknown[], path: Segment[], items: ItemScope): void {
    const target = args[0];
    if (isRecord(target) || Array.isArray(target)) {
      report.warning('computed-var', `a computed \`var\` path in ${owner} cannot be checked before a check runs; prefer a literal path`, path);
      walk(target, path, items);
      return;
    }
    if (items !== 'none') return; // relative to the element being iterated: unknown statically
    const resolution = resolveOnce(target === undefined || target === null ? '' : String(target), scope);
    if (!resolution.ok) {
      report.error(resolution.code ?? 'unknown-var', `${resolution.message} (in ${owner})`, path);
      return;
    }
    if (resolution.warning) report.warning('unknown-reason-code', `${resolution.warning} (in ${owner})`, path);
    if (resolution.input) facts.inputs.add(resolution.input);
    if (resolution.metric) facts.metrics.add(resolution.metric);
  }

  /** The resolution of a literal `var` (not inside `all`/`some`/…), or undefined. */
  function resolvedVar(expr: unknown): { path: string; resolution: Resolution & { ok: true }; fallback: unknown[] } | undefined {
    if (!isRecord(expr) || Object.keys(expr).length !== 1 || !('var' in expr)) return undefined;
    const raw = expr.var;
    const args = Array.isArray(raw) ? raw : [raw];
    const target = args[0];
    if (typeof target !== 'string' && typeof target !== 'number') return undefined;
    const resolution = resolveOnce(String(target), scope);
    return resolution.ok ? { path: String(target), resolution, fallback: args.slice(1) } : undefined;
  }

  /**
   * A field the schema types, compared with a literal of another type: the engine refuses to
   * compare them at a check (an error, so the rule holds), so say so now, at the literal.
   */
  function checkComparison(op: string, args: unknown[], argPath: (i: number) => Segment[]): void {
    const vars = args.map(resolvedVar);
    const compared = vars.find((v) => v?.resolution.field !== undefined);
    if (compared === undefined) return;
    let field = compared.resolution.field!;
    if (compared.fallback.length > 0 && field.nullable) {
      // `{ var: [path, default] }` reads the default instead of null: of the field's type, the
      // value is never null; of another, it may be either type, which only a check can tell.
      const fallback = compared.fallback[0];
      if (!isLiteral(fallback) || mismatch({ ...field, nullable: false }, fallback) !== undefined) return;
      field = { ...field, nullable: false };
    }
    args.forEach((arg, i) => {
      if (vars[i] !== undefined || !isLiteral(arg)) return;
      const problem = mismatch(field, arg);
      if (problem !== undefined) {
        report.error('type-mismatch', `\`${compared.path}\` is ${describeField(field)}, but \`${op}\` in ${owner} compares it with ${describeLiteral(arg)}; rollgate compares values of one type only, so the check would error (and hold)${problem}`, argPath(i));
      } else if (typeof arg === 'string' && compared.resolution.reasonCodes === 'item') {
        reportReasonCode(arg, `\`${compared.path}\``, argPath(i));
      }
    });
  }

  /** `{ in: [ "code", { var: surface.last_reason_codes } ] }`, or an element in a list of codes. */
  function checkReasonCodesIn(args: unknown[], argPath: (i: number) => Segment[]): void {
    const [needle, haystack] = args;
    const list = resolvedVar(haystack);
    if (typeof needle === 'string' && list?.resolution.reasonCodes === 'list') {
      reportReasonCode(needle, `\`${list.path}\``, argPath(0));
    }
    const item = resolvedVar(needle);
    if (item?.resolution.reasonCodes === 'item' && Array.isArray(haystack)) {
      haystack.forEach((code, i) => {
        if (typeof code === 'string') reportReasonCode(code, `the list compared with \`${item.path}\``, [...argPath(1), i]);
      });
    }
  }

  function reportReasonCode(code: string, where: string, path: Segment[]): void {
    const problem = reasonCodeProblem(code, where, 'list');
    if (problem) report[problem.severity](problem.code, `${problem.message} (in ${owner})`, path);
  }

  /** Operand types known from the context schema that the interpreter will refuse (docs/rules.md). */
  function checkOperandTypes(op: string, args: unknown[], at: Segment[]): void {
    const types = args.map(typeOf);
    const shown = (i: number) => `${labelOf(args[i])} (${article(types[i]!)})`;
    const refuse = (what: string, hint: string) =>
      report.error('type-mismatch', `\`${op}\` in ${owner} ${what}: rollgate never coerces, so this is an error at every check; ${hint}`, at, 'key');
    const structure = (t: ValueType) => t === 'array' || t === 'object';
    if (COMPARISONS.has(op)) {
      const ordering = op !== '==' && op !== '===' && op !== '!=' && op !== '!==';
      const bad = types.findIndex((t) => structure(t) || (ordering && t === 'boolean'));
      if (bad >= 0) {
        refuse(`compares ${shown(bad)}`, ordering ? 'only numbers or strings have an order' : 'compare their fields, or use `in` for membership');
        return;
      }
      const first = types.findIndex((t) => t !== 'unknown');
      const other = types.findIndex((t) => t !== 'unknown' && t !== types[first]);
      if (first >= 0 && other >= 0) refuse(`compares ${shown(first)} with ${shown(other)}`, 'compare values of one type');
    } else if (ARITHMETIC.has(op)) {
      const bad = types.findIndex((t) => t !== 'unknown' && t !== 'number');
      if (bad >= 0) refuse(`takes numbers, not ${shown(bad)}`, 'compute with numbers only');
    } else if (CONDITIONS.has(op)) {
      const conditions = op === 'if' ? args.map((_, i) => i).filter((i) => i % 2 === 0 && i < args.length - 1) : op === '?:' ? [0] : args.map((_, i) => i);
      const bad = conditions.find((i) => types[i] === 'number' || types[i] === 'string' || types[i] === 'object');
      if (bad !== undefined) {
        const example = types[bad] === 'number' ? '`{ ">": [ …, 0 ] }`' : types[bad] === 'string' ? '`{ "!=": [ …, "" ] }`' : '`{ "!=": [ …, null ] }`';
        refuse(`takes ${shown(bad)} as a condition, which must be true or false (or a list)`, `compare it, e.g. ${example}`);
      }
    }
  }

  function checkReturnsBoolean(): void {
    const type = typeOf(rule);
    if (type === 'boolean') return;
    if (type === 'unknown') {
      report.warning('maybe-not-boolean', `validate cannot tell whether ${owner} returns true or false; anything else is an error at a check (and holds). Compare it, e.g. \`{ "==": [ …, true ] }\` (rollgate never coerces: \`!!\` of a number or a string is an error too)`, [...at]);
      return;
    }
    report.error('not-boolean', `${owner} returns ${article(type)}, not true or false; compare it instead, e.g. \`{ ">": [ …, 0 ] }\``, [...at]);
  }

  function typeOf(expr: unknown): ValueType {
    if (typeof expr === 'boolean') return 'boolean';
    if (typeof expr === 'number') return 'number';
    if (typeof expr === 'string') return 'string';
    if (Array.isArray(expr)) return 'array';
    if (!isRecord(expr)) return 'unknown';
    const keys = Object.keys(expr);
    const op = keys[0]!;
    if (keys.length !== 1 || !isOperator(op)) return 'unknown'; // reported by walk
    const info = OPERATORS[op]!;
    const raw = expr[op];
    const args = Array.isArray(raw) ? raw : [raw];
    if (op === 'var') {
      const target = args[0];
      if (typeof target !== 'string' && typeof target !== 'number') return 'unknown';
      const r = resolveOnce(String(target), scope);
      const fallback = args.length > 1 ? typeOf(args[1]) : undefined;
      if (!r.ok) return 'unknown';
      return fallback === undefined || fallback === r.type ? r.type : 'unknown';
    }
    if (info.result !== 'branches') return info.result === 'any' ? 'unknown' : info.result;
    const branches = op === 'and' || op === 'or' ? args : args.filter((_, i) => i % 2 === 1 || i === args.length - 1);
    const types = new Set(branches.map(typeOf));
    return types.size === 1 ? [...types][0]! : 'unknown';
  }
}

type Literal = string | number | boolean | null;

function isLiteral(value: unknown): value is Literal {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Why `field` and `value` cannot be compared, with a fix (maybe ''), or undefined when they can. */
function mismatch(field: FieldType, value: Literal): string | undefined {
  if (value === null) return field.nullable ? undefined : '; this field is never null';
  const numeric = field.type === 'integer' || field.type === 'number';
  if (typeof value === 'number' ? numeric : typeof value === field.type) return undefined;
  if (typeof value === 'string' && numeric && value.trim() !== '' && Number.isFinite(Number(value))) return `: write the number without quotes, \`${Number(value)}\``;
  if (typeof value === 'string' && field.type === 'boolean' && /^(true|false|yes|no|on|off)$/i.test(value.trim())) {
    return `: write \`${/^(true|yes|on)$/i.test(value.trim())}\` without quotes`;
  }
  if (field.type === 'string' && (!field.enum || field.enum.includes(String(value)))) return `: quote it, \`"${String(value)}"\``;
  return '';
}

function describeField(field: FieldType): string {
  const base = field.enum ? `a string (one of ${field.enum.map((v) => `\`${v}\``).join(', ')})` : field.type === 'boolean' ? 'a boolean (true or false)' : article(field.type);
  return field.nullable ? `${base} or null` : base;
}

function describeLiteral(value: Literal): string {
  if (value === null) return '`null`';
  if (typeof value === 'string') return `the string \`${JSON.stringify(value)}\``;
  return `the ${typeof value} \`${String(value)}\``;
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', 'min', 'max']);
const CONDITIONS = new Set(['!', '!!', 'and', 'or', 'if', '?:']);

/** `surface.health.queue_depth` for a literal var, the JSON of a literal, `the result of \`+\`` otherwise. */
function labelOf(expr: unknown): string {
  if (!isRecord(expr)) return JSON.stringify(expr) ?? String(expr);
  const op = Object.keys(expr)[0]!;
  const raw = expr[op];
  const target = Array.isArray(raw) ? raw[0] : raw;
  if (op === 'var' && (typeof target === 'string' || typeof target === 'number')) return `\`${String(target)}\``;
  return `the result of \`${op}\``;
}

function article(type: ValueType | FieldType['type']): string {
  if (type === 'integer') return 'an integer';
  return type === 'array' ? 'a list' : type === 'object' ? 'a mapping' : `a ${type}`;
}
