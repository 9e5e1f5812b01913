/** `rollgate store init` (create or upgrade what the store needs) and `rollgate store copy` (move rollouts between stores). */
import { existsSync } from 'node:fs';
import { safeLine } from '../report/escape.js';
import { copyStore } from '../store/copy-store.js';
import { initStore, openArchive } from '../store/open-store.js';
import { EXIT } from './exit-codes.js';
import { ExitError, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export function runStoreInit(options: Omit<PlaceOptions, 'now'>): Promise<number> {
  return withExitCodes('store init', async () => {
    const { store } = placeOf(options);
    process.stdout.write(safeLine(await initStore(store)) + '\n');
    return EXIT.OK;
  });
}

export interface StoreCopyOptions {
  from: string;
  to: string;
  rollout?: string[];
}

export function runStoreCopy(options: StoreCopyOptions): Promise<number> {
  return withExitCodes('store copy', async () => {
    const source = placeOf({ store: options.from }).store;
    // A directory that is not there is a typo, not an empty store.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !existsSync(source)) throw new ExitError(`--from ${options.from}: no such directory; give the store directory to copy from (e.g. .rollgate) or a postgres:// URL`, EXIT.MISSING);
    const from = openArchive(source);
    const to = openArchive(placeOf({ store: options.to }).store);
    try {
      for (const line of await copyStore(from, to, options.rollout ?? [])) process.stdout.write(safeLine(line) + '\n');
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
    return EXIT.OK;
  });
}
