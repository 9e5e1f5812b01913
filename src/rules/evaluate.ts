/**
 * Evaluating a rule with rollgate's strictness (DESIGN §3, docs/rules.md): a `var` path that does
 * not resolve is an error, never null (a reason code never seen reads 0), paths never walk through
 * `__proto__`, `constructor` or `prototype`, rollgate never coerces a value to another type, and
 * a rule must return a boolean.
 */
import { evaluate } from './interpret.js';
import { RuleError } from './rule-error.js';

export { lookup, zeroDefaultCopy, ZERO_DEFAULT, type Lookup } from './lookup.js';
export { RuleError } from './rule-error.js';

export type Evaluation = { ok: true; value: boolean } | { ok: false; error: string };

/** The two passing results, shared: a check evaluates many rules. */
const TRUE: Evaluation = Object.freeze({ ok: true, value: true });
const FALSE: Evaluation = Object.freeze({ ok: true, value: false });

export function evaluateRule(rule: unknown, data: unknown): Evaluation {
  let value: unknown;
  try {
    value = evaluate(rule, data);
  } catch (err) {
    return { ok: false, error: err instanceof RuleError ? err.message : `the rule failed: ${(err as Error).message}` };
  }
  return ruleResult(value);
}

/** A rule's value as its result: a rule must return a boolean. */
export function ruleResult(value: unknown): Evaluation {
  if (value === true) return TRUE;
  if (value === false) return FALSE;
  return { ok: false, error: `the rule returned ${JSON.stringify(value) ?? String(value)}, not true or false` };
}
