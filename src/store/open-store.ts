/**
 * `--store` to a RolloutStore: a directory (the file store, the default) or, by its scheme, a
 * shared store. A new kind of store is one file beside file-store.ts and one entry here.
 */
import { fileStore } from './file-store.js';
import type { RolloutStore } from './rollout-store.js';
import { StoreError } from './store-error.js';

/** Schemes of stores this build knows; anything else with `scheme://` is a usage error, never a directory named so. */
const OPENERS: Record<string, (location: string, rollout: string) => RolloutStore> = {};

export function openStore(location: string, rollout: string): RolloutStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return fileStore(location, rollout);
  const open = OPENERS[scheme];
  if (!open) throw new StoreError(`--store ${scheme}://…: this rollgate has no ${scheme} store; give a directory${Object.keys(OPENERS).length ? ` or one of ${Object.keys(OPENERS).map((s) => `${s}://`).join(', ')}` : ''}`, 64);
  return open(location, rollout);
}
