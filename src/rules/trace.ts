/**
 * Explains a rule: what each sub-expression evaluated to, and the sentence that says why the
 * whole came out as it did ("surface.health.queue_depth = 3, expected <= 1"). Each sub-expression
 * is evaluated on its own, once per explanation: the result, the trace and the sentence share its
 * value. A rule's shape (operators, labels, indents) is worked out once, into a plan: a wide
 * check explains tens of thousands of rules, and what it allocates per rule is what it costs.
 */
import { describeValue } from './describe-value.js';
import { evaluateRule, ruleResult, RuleError, type Evaluation } from './evaluate.js';
import { compile, type Compiled } from './interpret.js';

export interface Explanation {
  result: Evaluation;
  /** Why the rule gave its result (or failed to), for decisions. */
  message: string;
  /** Every sub-expression with its value, depth-first, indented: for `--explain`. */
  trace: string[];
}

const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=', 'in']);
const PER_ITEM = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);
const CONDITIONS = new Set(['and', 'or', 'if', '?:']);

/** One sub-expression of a rule, with what does not change between checks. */
interface Step {
  expr: unknown;
  /** A literal (a constant or a list): shown as itself, never traced. */
  literal: boolean;
  /** `surface.health.queue_depth` for a var, the compact JSON of anything else. */
  label: string;
  /** The operator of a one-key mapping, else null. */
  op: string | null;
  /** The operator's arguments (a single one as a list of one), each a step. */
  args: Step[];
  compiled: Compiled | null;
  /** This step's value in the explanation under way (`epoch` says which one). */
  epoch: number;
  ok: boolean;
  value: unknown;
  error: string;
  thrown: unknown;
  /** The last trace line made for this step (lines repeat across surfaces; one string is kept). */
  lastShown: string | null;
  lastDepth: number;
  lastLine: string;
  /** A rule's `var` steps when its explanation depends on nothing else (see leavesOf); null when it may. */
  leaves: Step[] | null | undefined;
  /** The last explanation of this rule, with its leaves' values and the options it was made with. */
  memo: Memo | null;
  /** Strings made for this step, by kind (MADE_*), kept while what they are made of repeats (see `again`). */
  made: (Made | undefined)[] | null;
}

interface Memo {
  values: unknown[];
  trace: boolean;
  quietWhen: boolean | undefined;
  explanation: Explanation;
}

/** The last string made under one key of a step: the parts it was made of, and it. */
interface Made {
  a: string | number;
  b: string | number;
  c: string | number;
  text: string;
}

/** Plans of spec rules (and their sub-expressions), which do not change between checks. */
const plans = new WeakMap<object, Step>();

function planOf(expr: unknown): Step {
  const cached = expr !== null && typeof expr === 'object' ? plans.get(expr) : undefined;
  if (cached) return cached;
  const op = opOf(expr);
  const step: Step = {
    expr,
    literal: expr === null || typeof expr !== 'object' || Array.isArray(expr),
    label: op && op[0] === 'var' && (typeof op[1][0] === 'string' || typeof op[1][0] === 'number') ? String(op[1][0]) : show(expr),
    op: op ? op[0] : null,
    args: [],
    compiled: expr !== null && typeof expr === 'object' ? compile(expr) : null,
    epoch: 0, ok: true, value: expr, error: '', thrown: undefined,
    lastShown: null, lastDepth: 0, lastLine: '', made: null, leaves: undefined, memo: null,
  };
  if (expr !== null && typeof expr === 'object') plans.set(expr, step);
  // After caching: a sub-expression that contains itself (only built in code) stops here.
  if (op) step.args = op[1].map(planOf);
  return step;
}

function opOf(expr: unknown): [string, unknown[]] | null {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return null;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return null;
  const raw = (expr as Record<string, unknown>)[keys[0]!];
  return [keys[0]!, Array.isArray(raw) ? raw : [raw]];
}

/** Which explanation is under way: a step's value belongs to it when its epoch is this. */
let epoch = 0;

/** The step's value in this explanation: evaluation is pure, so it is the same each time it is shown. */
function valueOf(s: Step, data: unknown): Step {
  if (s.compiled === null || s.epoch === epoch) return s;
  s.epoch = epoch;
  try {
    s.value = s.compiled(data);
    s.ok = true;
  } catch (err) {
    s.ok = false;
    s.value = undefined;
    s.thrown = err;
    s.error = err instanceof RuleError ? err.message : `failed: ${(err as Error).message}`;
  }
  return s;
}

export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  // JSON.stringify's text for these, without its call (a finite number prints as String does).
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? text.slice(0, 117) + '…' : text;
}

/** A condition's truth, for values the interpreter accepted as conditions (booleans, lists). */
const isTrue = (value: unknown) => (Array.isArray(value) ? value.length > 0 : value === true);

/**
 * The string `make` builds from parts a, b, c, made again only when a part differs from the last
 * time under this key: messages repeat across surfaces and checks, and one string is then kept
 * (the same text, less to allocate and keep alive in a wide record).
 */
function again(s: Step, kind: number, a: string | number, b: string | number, c: string | number, make: () => string): string {
  const made = (s.made ??= []);
  const last = made[kind];
  if (last !== undefined && last.a === a && last.b === b && last.c === c) return last.text;
  const text = make();
  made[kind] = { a, b, c, text };
  return text;
}

const MADE_PAREN = 0;
const MADE_SIDE = 1;
const MADE_NOT = 2;
const MADE_BETWEEN = 3;
const MADE_EXPECTED = 4;
const MADE_IS = 5;
const MADE_JOINED = 6;

/** "x = 3" for an expression, or just "3" for a literal. */
function side(s: Step, data: unknown, withValueInParens: boolean): string {
  if (s.literal) return s.label;
  const v = valueOf(s, data);
  const shown = v.ok ? show(v.value) : `error (${v.error})`;
  return withValueInParens ? again(s, MADE_PAREN, shown, '', '', () => `${s.label} (${shown})`) : again(s, MADE_SIDE, shown, '', '', () => `${s.label} = ${shown}`);
}

/** Sentences saying why the step evaluated to what it did, each wrapped in `nots` "not (…)". */
function why(s: Step, data: unknown, out: string[], nots: number): void {
  const push = (sentence: string): void => {
    out.push(nots === 0 ? sentence : again(s, MADE_NOT, sentence, nots, '', () => `${'not ('.repeat(nots)}${sentence}${')'.repeat(nots)}`));
  };
  const v = valueOf(s, data);
  const name = s.op;
  const args = s.args;
  if (!v.ok) {
    if (name === null || name === 'var' || PER_ITEM.has(name)) return push(v.error);
    // Point at the innermost failing piece: the operand whose error this is.
    for (const arg of args) {
      if (arg.op !== null) {
        const a = valueOf(arg, data);
        if (!a.ok && a.error === v.error) return why(arg, data, out, nots);
      }
    }
    // This operator refused its operands' values: say which operand had which type.
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg.literal) continue;
      const a = valueOf(arg, data);
      if (!a.ok) continue;
      if (CONDITIONS.has(name)) {
        // Only a condition that is not one (the operands of and/or, the tests of if and ?:).
        const isCondition = name === 'and' || name === 'or' || (name === '?:' ? i === 0 : i % 2 === 0 && i < args.length - 1);
        if (!isCondition || typeof a.value === 'boolean' || Array.isArray(a.value)) continue;
      }
      operands.push(`${arg.label} is ${describeValue(a.value)}`);
    }
    return push(operands.length ? `${v.error} (where ${operands.join(', ')})` : v.error);
  }
  if (name === null) return push(show(s.expr));
  if (COMPARISONS.has(name)) {
    if (args.length === 3) {
      const x = side(args[1]!, data, false);
      const lo = side(args[0]!, data, true);
      const hi = side(args[2]!, data, true);
      return push(again(s, MADE_BETWEEN, x, lo, hi, () => `${x}, expected between ${lo} and ${hi} (${name})`));
    }
    const x = side(args[0]!, data, false);
    const y = side(args[1]!, data, true);
    return push(again(s, MADE_EXPECTED, x, y, '', () => `${x}, expected ${name} ${y}`));
  }
  if (name === 'and' || name === 'or') {
    for (const arg of args) {
      const x = valueOf(arg, data);
      if (!x.ok || (name === 'and' ? !isTrue(x.value) : isTrue(x.value))) return why(arg, data, out, nots);
    }
    for (const arg of args) why(arg, data, out, nots);
    return;
  }
  if (name === '!') return why(args[0]!, data, out, nots + 1);
  if (name === '!!') return why(args[0]!, data, out, nots);
  const shown = show(v.value);
  push(again(s, MADE_IS, shown, '', '', () => `${s.label} = ${shown}`));
}

const INDENTS = Array.from({ length: 16 }, (_, depth) => '  '.repeat(depth));

function traceLines(s: Step, data: unknown, depth: number, out: string[]): void {
  const v = valueOf(s, data);
  const shown = v.ok ? show(v.value) : `error: ${v.error}`;
  if (s.lastShown !== shown || s.lastDepth !== depth) {
    s.lastLine = `${INDENTS[depth] ?? '  '.repeat(depth)}${s.label} → ${shown}`;
    s.lastShown = shown;
    s.lastDepth = depth;
  }
  out.push(s.lastLine);
  if (s.op === null || s.op === 'var') return;
  if (PER_ITEM.has(s.op)) {
    // Shown even when arguments are missing (the rule's error says so).
    traceLines(s.args[0] ?? planOf(undefined), data, depth + 1, out);
    out.push(`${INDENTS[depth] ?? '  '.repeat(depth)}  (then ${(s.args[1] ?? planOf(undefined)).label} for each item)`);
    return;
  }
  for (const arg of s.args) if (!arg.literal) traceLines(arg, data, depth + 1, out);
}

export interface ExplainOptions {
  /** false: skip the sub-expression listing. */
  trace?: boolean;
  /** Without a trace, skip the message too when the rule gives this (unremarkable) result. */
  quietWhen?: boolean;
}

/** Operators whose value is a function of their operands' values alone (no data, no per-item rule). */
const OF_OPERANDS = new Set([...COMPARISONS, '!', '!!', 'and', 'or', 'if', '?:', '+', '*', '-', '/', '%', 'min', 'max', 'cat', 'substr', 'merge']);

/**
 * The `var` steps of a rule whose explanation (result, message, trace) is a function of their
 * values alone: every var has a constant path and no default, every operator is OF_OPERANDS.
 * Null for any other rule (computed paths, `missing`, per-item operators, unknown operators).
 */
function leavesOf(plan: Step): Step[] | null {
  const leaves: Step[] = [];
  const seen = new Set<Step>();
  const walk = (s: Step): boolean => {
    if (s.literal) return true;
    if (seen.has(s)) return false; // a rule that contains itself (only built in code)
    seen.add(s);
    if (s.op === 'var') {
      const path = s.args.length === 1 ? s.args[0]!.expr : undefined;
      if (!((typeof path === 'string' && path !== '') || typeof path === 'number')) return false;
      leaves.push(s);
      return true;
    }
    if (s.op === null) return true; // a mapping that is not one operator: data, read as itself
    return OF_OPERANDS.has(s.op) && s.args.every(walk);
  };
  return walk(plan) ? leaves : null;
}

export function explainRule(rule: unknown, data: unknown, options: ExplainOptions = {}): Explanation {
  if (rule === null || typeof rule !== 'object') return explainConstant(rule, data, options);
  // The hot path is a memo hit, kept small, with the plan's builder and the explainer out of line
  // (rulePlan, explainAndRemember): V8 optimizes a function with what it calls inlined, and with
  // them inlined the optimized explainRule took 10 to 30 ms to compile, by which time a wide
  // check's 20,000 explanations were made (evaluateGates: 15.7 ms, now 10.1).
  let plan = plans.get(rule);
  if (plan === undefined || plan.leaves === undefined) plan = rulePlan(rule);
  epoch++;
  const leaves = plan.leaves!;
  // The same values read as the last time this rule was explained: the same explanation. Across
  // the surfaces of a wide check most values repeat, and explaining was most of a check.
  const read = leaves !== null && readAll(leaves, data);
  const memo = plan.memo;
  if (read && memo !== null && memo.trace === (options.trace !== false) && memo.quietWhen === options.quietWhen && sameValues(memo.values, leaves!)) return memo.explanation;
  return explainAndRemember(plan, data, options, read ? leaves : null);
}

/** A rule's plan with its leaves worked out (once per rule: out of the hot path). */
function rulePlan(rule: object): Step {
  const plan = planOf(rule);
  if (plan.leaves === undefined) plan.leaves = leavesOf(plan);
  return plan;
}

/** Reads every leaf; whether each gave a primitive (an object could be changed in place between checks). */
function readAll(leaves: Step[], data: unknown): boolean {
  for (let i = 0; i < leaves.length; i++) if (!isPrimitive(valueOf(leaves[i]!, data))) return false;
  return true;
}

/** A new explanation, remembered when `leaves` (every value read, each a primitive) says what it depends on. */
function explainAndRemember(plan: Step, data: unknown, options: ExplainOptions, leaves: Step[] | null): Explanation {
  const explanation = explainPlan(plan, data, options);
  // Not when a value could not be read: an unresolved path's error names where the data stops.
  if (leaves !== null) {
    // One frozen explanation for every surface with these values: the results share its trace
    // (a record of 20,000 results kept 20,000 copies), and nothing can change it for the others.
    Object.freeze(explanation.trace);
    Object.freeze(explanation.result);
    plan.memo = { values: leaves.map((l) => l.value), trace: options.trace !== false, quietWhen: options.quietWhen, explanation: Object.freeze(explanation) };
  }
  return explanation;
}

const isPrimitive = (s: Step): boolean => s.ok && (s.value === null || (typeof s.value !== 'object' && typeof s.value !== 'function'));

function sameValues(values: unknown[], leaves: Step[]): boolean {
  for (let i = 0; i < leaves.length; i++) if (!Object.is(values[i], leaves[i]!.value)) return false;
  return true;
}

function explainPlan(plan: Step, data: unknown, options: ExplainOptions): Explanation {
  const v = valueOf(plan, data);
  const result = !v.ok ? { ok: false as const, error: v.thrown instanceof RuleError ? v.error : `the rule failed: ${(v.thrown as Error).message}` } : ruleResult(v.value);
  const trace: string[] = [];
  if (options.trace !== false) traceLines(plan, data, 0, trace);
  else if (result.ok && result.value === options.quietWhen) return { result, message: '', trace };
  return { result, message: messageOf(plan, result, data), trace };
}

function messageOf(plan: Step, result: Evaluation, data: unknown): string {
  if (!result.ok && result.error.startsWith('the rule returned')) return result.error;
  const sentences: string[] = [];
  why(plan, data, sentences, 0);
  if (sentences.length === 1) return sentences[0]!;
  if (sentences.length === 2) return again(plan, MADE_JOINED, sentences[0]!, sentences[1]!, '', () => sentences.join('; '));
  return sentences.join('; ');
}

/** A rule that is a constant (`true`): its own value, no sub-expressions. */
function explainConstant(rule: unknown, data: unknown, options: ExplainOptions): Explanation {
  const result = evaluateRule(rule, data);
  const trace: string[] = [];
  const plan = planOf(rule);
  epoch++;
  if (options.trace !== false) traceLines(plan, data, 0, trace);
  else if (result.ok && result.value === options.quietWhen) return { result, message: '', trace };
  return { result, message: messageOf(plan, result, data), trace };
}
