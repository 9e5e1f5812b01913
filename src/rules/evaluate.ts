/**
 * json-logic evaluation with rollgate's strictness (DESIGN §3): a `var` path that does not
 * resolve is an error, never null (a reason code never seen reads 0), paths never walk through
 * `__proto__`, `constructor` or `prototype`, and a rule must return a boolean.
 */
import jsonLogic from 'json-logic-js';

/** Marks an object whose missing keys read 0 (reason-code counts). */
export const ZERO_DEFAULT: unique symbol = Symbol('missing keys read 0');
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export class RuleError extends Error {}

/** Carries the marker for every zero-default object (a prototype: cheaper than defining it on each). */
const ZERO_DEFAULT_PROTO: object = Object.defineProperty({}, ZERO_DEFAULT, { value: true, enumerable: false });

/** A copy of `counts` whose missing keys read 0 in rules. */
export function zeroDefaultCopy<T extends object>(counts: T): T {
  return Object.assign(Object.create(ZERO_DEFAULT_PROTO) as T, counts);
}

export type Lookup = { found: true; value: unknown } | { found: false; missing: string; within: string; isNull: boolean };

const splitCache = new Map<string, string[]>();
function segmentsOf(path: string): string[] {
  let segments = splitCache.get(path);
  if (!segments) {
    segments = path.split('.');
    if (splitCache.size < 10_000) splitCache.set(path, segments);
  }
  return segments;
}

/** Resolves a dotted path strictly: own properties only. */
export function lookup(data: unknown, path: string): Lookup {
  if (path === '') return { found: true, value: data };
  let current: unknown = data;
  const segments = segmentsOf(path);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const missing = (isNull: boolean): Lookup => ({ found: false, missing: seg, within: segments.slice(0, i).join('.'), isNull });
    if (FORBIDDEN.has(seg) || current === null || typeof current !== 'object') return missing(current === null);
    if (Object.prototype.hasOwnProperty.call(current, seg)) {
      current = (current as Record<string, unknown>)[seg];
    } else if ((current as { [ZERO_DEFAULT]?: boolean })[ZERO_DEFAULT] === true && i === segments.length - 1) {
      return { found: true, value: 0 };
    } else {
      return missing(false);
    }
  }
  return { found: true, value: current };
}

function strictVar(this: unknown, path?: unknown, fallback?: unknown): unknown {
  const hasDefault = arguments.length >= 2;
  if (path === undefined || path === null) return this;
  const result = lookup(this, String(path));
  if (result.found) return result.value;
  if (hasDefault) return fallback;
  throw new RuleError(
    result.isNull
      ? `\`${String(path)}\` does not resolve: \`${result.within}\` is null${result.within.startsWith('inputs.') ? ' (an optional input that is absent)' : ''}`
      : result.within === ''
      ? `\`${String(path)}\` does not resolve: there is no \`${result.missing}\``
      : `\`${String(path)}\` does not resolve: \`${result.within}\` has no \`${result.missing}\``,
  );
}

// json-logic-js keeps one operation table per process; rollgate's `var` replaces the lenient one.
jsonLogic.add_operation('var', strictVar);
jsonLogic.rm_operation('log');

export type Evaluation = { ok: true; value: boolean } | { ok: false; error: string };

export function evaluateRule(rule: unknown, data: unknown): Evaluation {
  let value: unknown;
  try {
    value = jsonLogic.apply(rule as jsonLogic.RulesLogic, data);
  } catch (err) {
    return { ok: false, error: err instanceof RuleError ? err.message : `the rule failed: ${(err as Error).message}` };
  }
  if (typeof value !== 'boolean') {
    return { ok: false, error: `the rule returned ${JSON.stringify(value) ?? String(value)}, not true or false` };
  }
  return { ok: true, value };
}
