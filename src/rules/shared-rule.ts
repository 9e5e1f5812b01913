/**
 * One rule object per rule text. A folder of specs repeats the same gates (`surface.rollout_gate
 * == pass` in every rollout), and what a rule costs beyond its text is per object: its compiled
 * closures (interpret.ts), its explanation plan (trace.ts) and its reads (var-paths.ts) are
 * cached by identity. Evaluating every spec's copy through one representative compiles each
 * distinct rule once, and keeps one set of closures alive however many specs hold it.
 *
 * Only plain JSON data is shared (plain objects and arrays, strings, booleans, null, finite
 * numbers other than -0): for that, equal JSON text means equal rules. Anything else (a rule
 * built in code with a class, a cycle, Infinity or NaN from YAML's .inf/.nan) stands for itself.
 * The spec's own objects are left alone; only the engine's reads go through the representative.
 */

/** Each rule object seen, to its representative (itself for the first of its text). */
const representative = new WeakMap<object, object>();
/** The representatives by text; bounded (a rule then stands for itself, as before this cache). */
const byText = new Map<string, object>();
const MAX_TEXTS = 1000;

export function sharedRule<T>(rule: T): T {
  if (rule === null || typeof rule !== 'object') return rule;
  let shared = representative.get(rule);
  if (shared === undefined) {
    shared = rule;
    if (isPlainData(rule, 0)) {
      const text = JSON.stringify(rule);
      const known = byText.get(text);
      if (known !== undefined) shared = known;
      else {
        if (byText.size >= MAX_TEXTS) byText.clear();
        byText.set(text, rule);
      }
    }
    representative.set(rule, shared);
  }
  return shared as T;
}

/** Plain JSON data whose JSON text says all of it (depth-bounded: a cycle is not plain). */
function isPlainData(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainData(value[i], depth + 1)) return false;
    return Object.getPrototypeOf(value) === Array.prototype;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of Object.getOwnPropertyNames(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (!d.enumerable || !('value' in d) || !isPlainData(d.value, depth + 1)) return false;
  }
  return true;
}
