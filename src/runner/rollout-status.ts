/**
 * Where a rollout stands: its remembered state, what a check would decide now (a dry run:
 * nothing is locked or written) and, if asked, its journal. `rollgate status` and the dashboard
 * both ask this one question.
 */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { SurfaceContext } from '../engine/surface-context.js';
import type { ObservationSource } from '../observe/source.js';
import type { Spec } from '../spec/types.js';
import type { JournalCheck } from '../store/journal-check.js';
import type { RolloutStore } from '../store/rollout-store.js';
import { inspectingProviders } from '../routing/traffic-providers.js';
import { operate } from './operate.js';

export interface StatusQuery {
  store: RolloutStore;
  root: string;
  nowMs: number;
  sources?: readonly ObservationSource[];
  /** Also read the last N records (the dashboard's history). */
  history?: number;
  /** Also verify the whole journal (`status`: its record count and chain). */
  verify?: boolean;
}

export interface RolloutStanding {
  spec: Spec;
  state: RolloutState | null;
  /** What a check would decide now, changing nothing. */
  preview: DecisionRecord;
  /** What the rules would read of each surface now (ages, health fields, invalid lines). */
  previewContexts: Record<string, SurfaceContext>;
  /** The last records, oldest first (empty unless `history` was asked). */
  history: DecisionRecord[];
  /** The journal's verification (null unless `verify` was asked). */
  journal: JournalCheck | null;
}

export async function rolloutStatus(spec: Spec, query: StatusQuery): Promise<RolloutStanding> {
  const done = await operate(spec, { kind: 'check', dryRun: true }, { store: query.store, root: query.root, nowMs: query.nowMs, sources: query.sources, providers: inspectingProviders(spec, query.root) });
  if (!done.ok) throw new Error(done.message); // a dry-run check is never refused
  return {
    spec,
    state: done.before,
    preview: done.record,
    previewContexts: done.context.surfaces,
    history: query.history ? await query.store.history(query.history) : [],
    journal: query.verify ? await query.store.verify() : null,
  };
}
