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
  const kinds = new Set(COLLECTIONS.filter(([key]) => Array.isArray(state[key])).map(([, kind]) => kind));
  return kinds.size === 1 ? [...kinds][0]! : 'unknown';
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
