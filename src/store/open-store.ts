/**
 * `--store` to a RolloutStore: a directory (the file store, the default) or, by its scheme, a
 * shared store. A new kind of store is one file beside file-store.ts and one entry here.
 */
import { fileArchive } from './file-archive.js';
import { fileStore } from './file-store.js';
import { postgresArchive } from './postgres/archive.js';
import type { ArchiveStore } from './rollout-archive.js';
import { makeDirs } from './make-dirs.js';
import { initPostgres } from './postgres/init.js';
import { listenForChanges } from './postgres/listen.js';
import { postgresStore } from './postgres/postgres-store.js';
import type { RolloutStore } from './rollout-store.js';
import { StoreError } from './store-error.js';

/** Schemes of stores this build knows; anything else with `scheme://` is a usage error, never a directory named so. */
const OPENERS: Record<string, (location: string, rollout: string) => RolloutStore> = {
  postgres: postgresStore,
  postgresql: postgresStore,
};

/** Prepares a store for use (`rollgate store init`): a sentence saying what was done. */
const INITS: Record<string, (location: string) => Promise<string>> = {
  postgres: initPostgres,
  postgresql: initPostgres,
};

export function openStore(location: string, rollout: string): RolloutStore {
  const scheme = schemeOf(location);
  return scheme === null ? fileStore(location, rollout) : OPENERS[scheme]!(location, rollout);
}

/**
 * Tells `onChange` when another process changes a rollout in the store (a shared store's
 * notifications); null where the caller's own polling of files sees changes (the file store).
 */
export async function watchStore(location: string, onChange: (rollout: string) => void, log: (line: string) => void): Promise<(() => Promise<void>) | null> {
  return schemeOf(location) === null ? null : listenForChanges(location, onChange, log);
}

/** A store as a whole, for `store copy`. */
export function openArchive(location: string): ArchiveStore {
  return schemeOf(location) === null ? fileArchive(location) : postgresArchive(location);
}

export async function initStore(location: string): Promise<string> {
  const scheme = schemeOf(location);
  if (scheme !== null) return INITS[scheme]!(location);
  try {
    makeDirs(location);
  } catch (err) {
    throw new StoreError(`cannot create ${location} (${(err as NodeJS.ErrnoException).code ?? 'an error'}): give a directory rollgate can create and write`, 73);
  }
  return `${location}: the file store is ready (each rollout gets its folder at its first check)`;
}

/** The store's scheme, null for a directory; a scheme this build has no store for is a usage error. */
function schemeOf(location: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return null;
  if (!OPENERS[scheme]) throw new StoreError(`--store ${scheme}://…: this rollgate has no ${scheme} store; give a directory or one of ${Object.keys(OPENERS).map((s) => `${s}://`).join(', ')}`, 64);
  return scheme;
}
