/**
 * A RolloutStore that keeps only the state, in memory: simulate's. Nothing is journaled (the
 * caller collects the records), no incident is written, no lock is needed (one caller).
 */
import type { RolloutState } from '../engine/state.js';
import { EMPTY_CHECK } from './journal-check.js';
import type { RolloutStore } from './rollout-store.js';

export function memoryStore(rollout: string): RolloutStore & { state: RolloutState | null } {
  const store = {
    rollout,
    location: 'memory',
    journalLocation: 'memory',
    hookRecordPath: null,
    state: null as RolloutState | null,
    lock: async () => ({ recovered: null, release: async () => {} }),
    recover: async () => null,
    load: async () => store.state,
    save: async (state: RolloutState) => {
      store.state = state;
    },
    commit: async (next: RolloutState) => {
      store.state = next;
      return { repaired: null };
    },
    audit: async () => {},
    writeIncident: async () => null,
    history: async () => [],
    verify: async () => EMPTY_CHECK,
    close: async () => {},
  };
  return store;
}
