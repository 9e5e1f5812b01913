/** `rollgate status <spec>`: where the rollout stands and what a check would decide now; changes nothing. */
import { formatPosition } from '../report/diagnostic.js';
import { STATUS_RENDERERS, type StatusFormat, statusReportOf } from '../report/status.js';
import { rolloutStatus } from '../runner/rollout-status.js';
import { openStore } from '../store/open-store.js';
import { StoreError } from '../store/store-error.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface StatusOptions extends PlaceOptions {
  format: StatusFormat;
}

export function runStatus(specFile: string, options: StatusOptions): Promise<number> {
  return withExitCodes('status', async () => {
    const spec = loadSpecOrExit(specFile);
    const { root, store, nowMs } = placeOf(options);
    const rollout = openStore(store, spec.name);
    const standing = await rolloutStatus(spec, { store: rollout, root, nowMs, verify: true }).finally(() => rollout.close());
    const journal = standing.journal!.verification;
    if (journal.badInstant) throw new StoreError(`${formatPosition({ file: rollout.journalLocation, line: journal.badInstant.line })}: corrupt data: ${journal.badInstant.problem}; an older rollgate accepted such a --now. Restore the journal from a backup, or move the rollout's store folder aside to start again`, 65);
    emit(STATUS_RENDERERS[options.format]({ report: statusReportOf(standing), firstPhase: spec.phases[0]!.name }));
    return EXIT.OK;
  });
}
