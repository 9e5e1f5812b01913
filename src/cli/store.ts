/** `rollgate store init [--store DIR|URL]`: create or upgrade what the store needs. */
import { safeLine } from '../report/escape.js';
import { copyStore } from '../store/copy-store.js';
import { initStore, openArchive } from '../store/open-store.js';
import { EXIT } from './exit-codes.js';
import { placeOf, withExitCodes, type PlaceOptions } from './common.js';

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
    const from = openArchive(placeOf({ store: options.from }).store);
    const to = openArchive(placeOf({ store: options.to }).store);
    try {
      for (const line of await copyStore(from, to, options.rollout ?? [])) process.stdout.write(safeLine(line) + '\n');
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
    return EXIT.OK;
  });
}
