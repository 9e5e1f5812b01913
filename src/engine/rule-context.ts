/**
 * The data rules read at a check (DESIGN §3), and the guard that keeps unusable data from
 * deciding anything: a rule that reads an unavailable or stale surface, or a missing input,
 * errors (and holds) instead of being evaluated on stand-in values.
 */
import type { SurfaceContext } from './surface-context.js';
import { ruleReads } from '../rules/var-paths.js';
import { unknownRead } from './unknown-read.js';
import type { WindowName } from './window-doubt.js';
import type { MetricDoubt, MetricEvidence } from './metric-context.js';

/** Fields that describe whether a surface can be trusted: readable even when it cannot. */
const META_FIELDS = new Set(['name', 'kind', 'present', 'stale', 'age_ms', 'paused']);

export interface CheckContext {
  base: Record<string, unknown>;
  surfaces: Record<string, SurfaceContext>;
  /** Surface name -> why its data cannot be used. */
  unusableSurfaces: Map<string, string>;
  /** Input name -> why it cannot be read. */
  unusableInputs: Map<string, string>;
  /** Surface name -> its event windows that cannot be trusted, and why. */
  unknownWindows: Map<string, Map<WindowName, string>>;
  /** Metric name -> which of its reads cannot be honest at this check, and why. */
  metricDoubt: Map<string, MetricDoubt>;
  /** What the record shows of each metric. */
  metricEvidence: Record<string, MetricEvidence>;
}

/** Why a rule cannot be evaluated: a sentence, and whether it is only no data (which `onError` does not count). */
export interface Blocked {
  why: string;
  noData: boolean;
}

/**
 * The data a rule reads, with `surface` bound; built once per surface and check, and kept on the
 * check's context under this key. Not in a module-level WeakMap keyed by the context: V8's young
 * collections keep the values of a long-lived WeakMap alive past their short-lived keys, and each
 * check's data (its surfaces, the producer's state) was promoted to the old generation, where
 * only a full collection reclaimed it (`run --once` over 5,000 rollouts: tens of MB of heap).
 */
const BOUND = Symbol('rule data per surface');
type Bindable = CheckContext & { readonly [BOUND]?: Map<string, Record<string, unknown>> };

export function ruleData(ctx: CheckContext, surface: string | null): Record<string, unknown> {
  if (surface === null) return ctx.base;
  const bindable = ctx as Bindable;
  let perSurface = bindable[BOUND];
  // Not enumerable: the context reads, copies and compares as before.
  if (!perSurface) Object.defineProperty(bindable, BOUND, { value: (perSurface = new Map()) });
  let data = perSurface.get(surface);
  // Object.assign, not `{ ...ctx.base, surface }`: V8 (Node 20) puts an object spread with a key
  // its source lacks on a slow path that allocates in the old generation (garbage only a full
  // collection reclaims, ~1 KB per check of `run --once` over thousands of rollouts). Same keys,
  // same order.
  if (!data) perSurface.set(surface, (data = Object.assign({}, ctx.base, { surface: ctx.surfaces[surface] })));
  return data;
}

/** Why the rule cannot be evaluated honestly with this binding, or null when it can. */
export function blockedBy(rule: unknown, ctx: CheckContext, surface: string | null): string | null {
  return blockedReason(rule, ctx, surface)?.why ?? null;
}

/** blockedBy, saying also whether the only obstacle is no data. */
export function blockedReason(rule: unknown, ctx: CheckContext, surface: string | null): Blocked | null {
  if (ctx.unusableSurfaces.size === 0 && ctx.unusableInputs.size === 0 && ctx.unknownWindows.size === 0 && ctx.metricDoubt.size === 0) return null;
  const reads = ruleReads(rule);
  const error = (why: string): Blocked => ({ why, noData: false });
  // A computed path, or one that reads the whole context, all surfaces, inputs or metrics (`{var: ""}`,
  // `{var: null}`, `{var: "surfaces"}`): the rule may read anything, so anything unusable blocks it.
  const whole = reads.paths.find((p) => p === '' || p === 'surfaces' || p === 'inputs' || p === 'metrics');
  if (reads.computed || whole !== undefined) {
    const what = reads.computed ? 'a computed path' : `a path that reads ${whole === '' ? 'the whole context' : `all of \`${whole}\``}`;
    const [name, why] = [...ctx.unusableSurfaces][0] ?? [...ctx.unusableInputs][0] ?? [];
    if (name !== undefined) return error(`the rule has ${what}, and \`${name}\` cannot be used: ${why}`);
    const [doubtful, windows] = [...ctx.unknownWindows][0] ?? [];
    if (doubtful !== undefined) return error(`the rule has ${what}, and surface \`${doubtful}\` has unknown event windows: ${[...windows!.values()][0]}`);
    const [, doubt] = [...ctx.metricDoubt][0] ?? [];
    if (doubt !== undefined) return { why: `the rule has ${what}, and ${doubt.why}`, noData: doubt.noData };
  }
  let noData: Blocked | null = null;
  for (const path of reads.paths) {
    const [first, second, third, fourth] = path.split('.');
    if (first === 'metrics' && second !== undefined) {
      const doubt = ctx.metricDoubt.get(second);
      if (doubt && (doubt.fields === 'all' || third === undefined || third === 'value')) {
        // An error decides over no data: an `onError` trigger must count it.
        if (!doubt.noData) return error(doubt.why);
        noData ??= { why: doubt.why, noData: true };
      }
      continue;
    }
    let name: string | undefined;
    let field: string | undefined;
    let window: string | undefined;
    if (first === 'surface' && surface !== null) [name, field, window] = [surface, second, third];
    else if (first === 'surfaces' && second !== undefined) [name, field, window] = [second, third, fourth];
    else if (first === 'inputs' && second !== undefined && ctx.unusableInputs.has(second)) {
      return error(`input \`${second}\` ${ctx.unusableInputs.get(second)}`);
    }
    if (name === undefined) continue;
    if (ctx.unusableSurfaces.has(name) && (field === undefined || !META_FIELDS.has(field))) {
      return error(`surface \`${name}\`: ${ctx.unusableSurfaces.get(name)}`);
    }
    const unknown = ctx.unknownWindows.get(name);
    const doubt = unknown && unknownRead(unknown, field, window);
    if (doubt) return error(`surface \`${name}\`: ${doubt}; \`rollgate control <spec> acknowledge --reason …\` accepts the loss (valid reason codes still count)`);
  }
  return noData;
}
