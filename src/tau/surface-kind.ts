/** Which runtime wrote a state.json, from its collection (tau-formats §2). */

export const SURFACE_KINDS = ['dashboard', 'custom-command', 'voice', 'memory', 'deployment', 'browser'] as const;
export type SurfaceKind = (typeof SURFACE_KINDS)[number];
export type DetectedKind = SurfaceKind | 'unknown';

const COLLECTIONS: readonly [string, SurfaceKind][] = [
  ['widget_views', 'dashboard'],
  ['control_audit', 'dashboard'],
  ['commands', 'custom-command'],
  ['interactions', 'voice'],
  ['rollouts', 'deployment'],
  ['entries', 'memory'],
  ['results', 'browser'],
];

/** The kind whose collection the state holds; `unknown` when none, or collections of two kinds. */
export function detectKind(state: Record<string, unknown>): DetectedKind {
  // A plain loop: this runs for each surface at each check, mostly before V8 optimizes it, where
  // each callback, Set and spread costs.
  let found: SurfaceKind | null = null;
  for (let i = 0; i < COLLECTIONS.length; i++) {
    const collection = COLLECTIONS[i]!; // not destructured: that too is an iterator, cold
    const kind = collection[1];
    if (!Array.isArray(state[collection[0]])) continue;
    if (found !== null && found !== kind) return 'unknown';
    found = kind;
  }
  return found ?? 'unknown';
}

/** The producer's transport-health target of each kind (tau-formats §5). */
export const TRANSPORT_TARGETS: Record<SurfaceKind, string> = {
  dashboard: 'operator-control-plane',
  'custom-command': 'no-code-command-registry',
  voice: 'wake-word-pipeline',
  memory: 'semantic-memory',
  deployment: 'cloud-and-wasm-runtime',
  browser: 'browser-automation',
};
