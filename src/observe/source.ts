/**
 * An observation source: one kind of thing a check reads from the world (a Tau state
 * directory per surface, the spec's input files, metric queries). observeRollout()
 * asks every source in turn and hands the engine one Observations.
 *
 * A source never throws for bad data: a missing, unreadable or garbled read is itself an
 * observation (with its sentence), and the engine holds on it. It throws only for a bug.
 */
import type { Observations } from '../engine/observations.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';

export interface ObserveRequest {
  spec: Spec;
  /** The remembered state (event cursors live in it); null before the first check. */
  state: RolloutState | null;
  /** Where relative paths in the spec resolve. */
  root: string;
  /** The check's instant (a metric query is evaluated at it, never at the wall clock). */
  nowMs: number;
  /** `--input name=file` overrides. */
  inputFiles: Readonly<Record<string, string>>;
}

export interface ObservationSource {
  /** For messages: `tau state directories`, `input files`, `prometheus`. */
  readonly name: string;
  /** Adds what this source read to `into` (each source fills its own keys). */
  observe(request: ObserveRequest, into: Observations): void | Promise<void>;
}
