/** `rollgate store init [--store DIR|URL]`: create or upgrade what the store needs. */
import { safeLine } from '../report/escape.js';
import { initStore } from '../store/open-store.js';
import { EXIT } from './exit-codes.js';
import { placeOf, withExitCodes, type PlaceOptions } from './common.js';

export function runStoreInit(options: Omit<PlaceOptions, 'now'>): Promise<number> {
  return withExitCodes('store init', async () => {
    const { store } = placeOf(options);
    process.stdout.write(safeLine(await initStore(store)) + '\n');
    return EXIT.OK;
  });
}
