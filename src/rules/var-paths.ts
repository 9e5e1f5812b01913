/** The `var` paths a rule reads, found statically: which surfaces and inputs it depends on. */

export interface RuleReads {
  /** Literal paths read against the context (not those relative to an iterated item). */
  paths: string[];
  /** Some path is computed at run time: assume the rule may read anything. */
  computed: boolean;
}

const PER_ITEM = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);

const cache = new WeakMap<object, RuleReads>();

/** Cached per rule object: a spec's rules are read at every check. */
export function ruleReads(rule: unknown): RuleReads {
  const cached = rule !== null && typeof rule === 'object' ? cache.get(rule) : undefined;
  if (cached) return cached;
  const out: RuleReads = { paths: [], computed: false };
  walk(rule, out);
  if (rule !== null && typeof rule === 'object') cache.set(rule, out);
  return out;
}

function walk(expr: unknown, out: RuleReads): void {
  if (Array.isArray(expr)) {
    for (const e of expr) walk(e, out);
    return;
  }
  if (expr === null || typeof expr !== 'object') return;
  for (const [op, raw] of Object.entries(expr)) {
    const args = Array.isArray(raw) ? raw : [raw];
    if (op === 'var') {
      const target = args[0];
      if (typeof target === 'string' || typeof target === 'number') out.paths.push(String(target));
      else if (target === undefined || target === null) out.paths.push(''); // `{var: null}`, `{var: []}`: the whole data
      else out.computed = true;
      walk(args.slice(1), out);
    } else if (op === 'missing' || op === 'missing_some') {
      // Their paths are read against the context like `var`'s (a missing path of an unusable
      // surface or input must block the rule, not read as missing). A computed one may be any.
      const list = op === 'missing_some' ? args[1] : args.length === 1 && !Array.isArray(raw) ? args[0] : args;
      if (op === 'missing_some') walk(args[0], out);
      for (const p of Array.isArray(list) ? list : [list]) {
        if (typeof p === 'string' || typeof p === 'number') out.paths.push(String(p));
        else if (p !== undefined) {
          out.computed = true;
          walk(p, out);
        }
      }
    } else if (PER_ITEM.has(op)) {
      walk(args[0], out); // the item rule (args[1]) reads the item, not the context
      walk(args.slice(2), out);
    } else {
      walk(args, out);
    }
  }
}
