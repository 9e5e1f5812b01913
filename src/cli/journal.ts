/** `rollgate journal <spec> [--verify] [--format text|json] [--limit N]`: the decision history, and its audit. */
import { JOURNAL_RENDERERS, renderJournalProblems, type JournalFormat, type JournalView } from '../report/journal.js';
import { openStore } from '../store/open-store.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface JournalOptions extends Omit<PlaceOptions, 'now'> {
  verify?: boolean;
  format: JournalFormat;
  limit?: string;
}

export function runJournal(specFile: string, options: JournalOptions): Promise<number> {
  return withExitCodes('journal', async () => {
    const spec = loadSpecOrExit(specFile);
    const { store: storeDir } = placeOf(options);
    const store = openStore(storeDir, spec.name);
    const limit = options.limit === undefined ? Infinity : Number(options.limit);
    if (!(limit > 0)) throw new ExitError(`--limit ${options.limit}: give a positive number of records`, EXIT.USAGE);
    const view: JournalView = { rollout: spec.name, storeDir: store.location, journalPath: store.journalLocation, verify: options.verify ?? false, history: null };
    const checked = await store.verify().finally(() => store.close());
    if (checked.empty) {
      emit(JOURNAL_RENDERERS[options.format](view));
      return EXIT.OK;
    }
    const { verification: v, ok } = checked;
    view.history = { ...checked, records: v.entries.slice(-limit) };
    // The report, then what is wrong with it.
    emit([JOURNAL_RENDERERS[options.format](view), renderJournalProblems(view, { format: options.format })]);
    if (v.badInstant) return EXIT.INVALID;
    return options.verify && !ok ? EXIT.INVALID : EXIT.OK;
  });
}
