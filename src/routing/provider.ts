/**
 * A traffic provider carries out what a check or an action decided: moves traffic, tells the
 * world: the spec's `routing:` (routing-provider.ts: HAProxy, nginx or a command, weights read
 * back and set at every check) and its hooks (hooks-provider.ts: commands and webhooks per event). The edge loop calls every
 * provider, in order, after the engine decided and before the record is journaled, so the
 * journal holds what really happened (a promote whose traffic could not be moved keeps the phase).
 */
import type { DecisionRecord, HookResult } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { HookEvent, Spec } from '../spec/types.js';

/** A decision and the state it leads to. */
export interface Decided {
  record: DecisionRecord;
  next: RolloutState;
}

export interface Change {
  spec: Spec;
  /** The events the decision sets off (promote, complete, rollback, pause, …); often none. */
  events: readonly HookEvent[];
  decided: Decided;
  /** For promote/complete: what to keep instead if the change cannot be made (the phase stays, decision hold). */
  ifFails: Decided | null;
  nowMs: number;
  /** Where commands run (the rollout's root). */
  cwd: string;
  /** Where commands find the record (`ROLLGATE_RECORD`); null: the store keeps no such file. */
  recordPath: string | null;
}

export interface TrafficProvider {
  readonly name: string;
  /** Makes the change; returns the decision as it stands afterwards. */
  apply(change: Change): Promise<Decided>;
  /**
   * A terminal rollout whose rollback steps failed: retried at every later check until they
   * succeed. Returns what ran and the state with what is still pending.
   */
  retry(spec: Spec, state: RolloutState, record: DecisionRecord, ctx: { cwd: string; recordPath: string | null }): Promise<{ results: HookResult[]; state: RolloutState }>;
  /** A dry run (`--dry-run`, `status`, the dashboard): reads and reports what it would do, changes nothing. */
  inspect?(spec: Spec, decided: Decided): Promise<Decided>;
}
