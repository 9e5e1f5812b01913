/**
 * The data rules read at a check (DESIGN §3), and the guard that keeps unusable data from
 * deciding anything: a rule that reads an unavailable or stale surface, or a missing input,
 * errors (and holds) instead of being evaluated on stand-in values.
 */
import type { SurfaceContext } from '../observe/surface-observation.js';
import { ruleReads } from '../rules/var-paths.js';
import type { WindowName } from './window-doubt.js';

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
}

/** The data a rule reads, with `surface` bound; built once per surface and check. */
const bound = new WeakMap<CheckContext, Map<string, Record<string, unknown>>>();

export function ruleData(ctx: CheckContext, surface: string | null): Record<string, unknown> {
  if (surface === null) return ctx.base;
  let perSurface = bound.get(ctx);
  if (!perSurface) bound.set(ctx, (perSurface = new Map()));
  let data = perSurface.get(surface);
  if (!data) perSurface.set(surface, (data = { ...ctx.base, surface: ctx.surfaces[surface] }));
  return data;
}

/** Why the rule cannot be evaluated honestly with this binding, or null when it can. */
export function blockedBy(rule: unknown, ctx: CheckContext, surface: string | null): string | null {
  if (ctx.unusableSurfaces.size === 0 && ctx.unusableInputs.size === 0 && ctx.unknownWindows.size === 0) return null;
  const reads = ruleReads(rule);
  if (reads.computed) {
    const [name, why] = [...ctx.unusableSurfaces][0] ?? [...ctx.unusableInputs][0] ?? [];
    if (name !== undefined) return `the rule has a computed path, and \`${name}\` cannot be used: ${why}`;
    const [doubtful, windows] = [...ctx.unknownWindows][0] ?? [];
    if (doubtful !== undefined) return `the rule has a computed path, and surface \`${doubtful}\` has unknown event windows: ${[...windows!.values()][0]}`;
  }
  for (const path of reads.paths) {
    const [first, second, third, fourth] = path.split('.');
    let name: string | undefined;
    let field: string | undefined;
    let window: string | undefined;
    if (first === 'surface' && surface !== null) [name, field, window] = [surface, second, third];
    else if (first === 'surfaces' && second !== undefined) [name, field, window] = [second, third, fourth];
    else if (first === 'inputs' && second !== undefined && ctx.unusableInputs.has(second)) {
      return `input \`${second}\` ${ctx.unusableInputs.get(second)}`;
    }
    if (name === undefined) continue;
    if (ctx.unusableSurfaces.has(name) && (field === undefined || !META_FIELDS.has(field))) {
      return `surface \`${name}\`: ${ctx.unusableSurfaces.get(name)}`;
    }
    const unknown = ctx.unknownWindows.get(name);
    const doubt = unknown && unknownRead(unknown, field, window);
    if (doubt) return `surface \`${name}\`: ${doubt}; \`rollgate control <spec> acknowledge --reason …\` accepts the loss and restarts the windows`;
  }
  return null;
}

/** Why reading `field.window` of a surface with these unknown windows cannot be trusted, or null. */
function unknownRead(unknown: Map<WindowName, string>, field: string | undefined, window: string | undefined): string | null {
  const windowOf = (w: WindowName, label: string) => (unknown.has(w) ? `${label} is unknown: ${unknown.get(w)}` : null);
  if (field === undefined || ((field === 'events' || field === 'cycles') && window === undefined)) {
    const [w, why] = [...unknown][0]!;
    return `its event windows are unknown (${w}: ${why})`;
  }
  if (field === 'events' || field === 'cycles') return unknown.has(window as WindowName) ? windowOf(window as WindowName, `${field}.${window}`) : null;
  // The last valid report may be older than an unreadable line after it; the count of invalid lines may miss lost ones.
  if (field === 'last_reason_codes') return windowOf('phase', 'last_reason_codes (the phase has unreadable or lost lines)');
  if (field === 'invalid_lines') return windowOf('total', 'invalid_lines');
  return null;
}
