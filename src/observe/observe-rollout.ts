/**
 * Everything one check reads, from every source, as the engine's one input. The sources run in
 * order; a synchronous source costs no promise round trip beyond the one await per source.
 */
import type { Observations } from '../engine/observations.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { inputFiles } from './input-files.js';
import { metricQueries } from './metrics/metric-queries.js';
import type { ObservationSource } from './source.js';
import { tauSurfaces } from './tau-surfaces.js';

/** What every rollout reads: Tau state directories, input files, metric queries. */
export const DEFAULT_SOURCES: readonly ObservationSource[] = [tauSurfaces, inputFiles, metricQueries];

export interface ObserveOptions {
  /** Where relative paths in the spec resolve. */
  root: string;
  nowMs: number;
  inputFiles?: Readonly<Record<string, string>>;
  sources?: readonly ObservationSource[];
}

export async function observeRollout(spec: Spec, state: RolloutState | null, options: ObserveOptions): Promise<Observations> {
  const into: Observations = { surfaces: {}, inputs: {} };
  const request = { spec, state, root: options.root, nowMs: options.nowMs, inputFiles: options.inputFiles ?? {} };
  for (const source of options.sources ?? DEFAULT_SOURCES) {
    const pending = source.observe(request, into);
    if (pending) await pending;
  }
  return into;
}

