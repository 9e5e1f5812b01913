/** The dashboard's view of one rollout: the rollout-status query, or why the store cannot be read. */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { SurfaceContext } from '../engine/surface-context.js';
import { rolloutStatus } from '../runner/rollout-status.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { StoreError } from '../store/store-error.js';

/** How many of the journal's last records the history chart shows. */
export const HISTORY_RECORDS = 500;

export interface RolloutView {
  spec: Spec;
  state: RolloutState | null;
  /** What a check would decide now (dry run), or null when the store cannot be read. */
  preview: DecisionRecord | null;
  /** What the rules would read of each surface now (age, health fields, invalid lines). */
  previewContexts: Record<string, SurfaceContext> | null;
  /** The last journaled records, oldest first. */
  history: DecisionRecord[];
  /** Why the store could not be read (corrupt rollout.json), if so. */
  error: string | null;
}

export async function readRolloutView(spec: Spec, root: string, storeDir: string, nowMs: number): Promise<RolloutView> {
  let status;
  const store = openStore(storeDir, spec.name);
  try {
    status = await rolloutStatus(spec, { store, root, nowMs, history: HISTORY_RECORDS });
  } catch (err) {
    // A store that cannot be read (a corrupt rollout.json) is shown as such; anything else is a failed refresh.
    if (!(err instanceof StoreError)) throw err;
    return { spec, state: null, preview: null, previewContexts: null, history: [], error: (err as Error).message };
  } finally {
    await store.close();
  }
  return { spec, state: status.state, preview: status.preview, previewContexts: status.previewContexts, history: status.history, error: null };
}
