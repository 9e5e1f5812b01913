/** `rollgate journal <spec> [--verify] [--format text|json] [--limit N]`: the decision history, and its audit. */
import { existsSync } from 'node:fs';
import type { RolloutState } from '../engine/state.js';
import { JOURNAL_RENDERERS, renderJournalProblems, type JournalFormat, type JournalView } from '../report/journal.js';
import { verifyJournal } from '../store/journal.js';
import { agreement, auditAgreement } from '../store/journal-agreement.js';
import { RolloutFolder } from '../store/file-rollout-store.js';
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
    const store = new RolloutFolder(storeDir, spec.name);
    const limit = options.limit === undefined ? Infinity : Number(options.limit);
    if (!(limit > 0)) throw new ExitError(`--limit ${options.limit}: give a positive number of records`, EXIT.USAGE);
    const view: JournalView = { rollout: spec.name, storeDir: store.dir, journalPath: store.journalPath, verify: options.verify ?? false, history: null };
    if (!existsSync(store.journalPath) && !existsSync(store.statePath)) {
      emit(JOURNAL_RENDERERS[options.format](view));
      return EXIT.OK;
    }
    const v = verifyJournal(store.journalPath);
    let state: RolloutState | null = null;
    let stateProblem: string | null = null;
    try {
      state = store.effectiveState();
    } catch (err) {
      stateProblem = (err as Error).message;
    }
    const agree = stateProblem ? { ok: false, problem: stateProblem } : agreement(state, v.entries[v.entries.length - 1]?.record);
    const audit = auditAgreement(v.entries, store.auditPath, store.interruptedJournaledCheck());
    const ok = v.ok && agree.ok && audit.ok;
    view.history = { verification: v, state: agree, audit, records: v.entries.slice(-limit), ok };
    // The report, then what is wrong with it.
    emit([JOURNAL_RENDERERS[options.format](view), renderJournalProblems(view, { format: options.format })]);
    if (v.badInstant) return EXIT.INVALID;
    return options.verify && !ok ? EXIT.INVALID : EXIT.OK;
  });
}
