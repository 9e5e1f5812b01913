/** `rollgate status <spec>`: where the rollout stands and what a check would decide now; changes nothing. */
import { formatPosition } from '../report/diagnostic.js';
import { STATUS_RENDERERS, type StatusFormat, type StatusReport } from '../report/status.js';
import { rolloutStatus } from '../runner/rollout-status.js';
import { fileStore } from '../store/file-store.js';
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
    const rollout = fileStore(store, spec.name);
    const { state, preview: wouldBe, journal: verified } = await rolloutStatus(spec, { store: rollout, root, nowMs, verify: true });
    const journal = verified!.verification;
    if (journal.badInstant) throw new StoreError(`${formatPosition({ file: rollout.folder.journalPath, line: journal.badInstant.line })}: corrupt data: ${journal.badInstant.problem}; an older rollgate accepted such a --now. Restore the journal from a backup, or move the rollout's store folder aside to start again`, 65);
    const last = journal.entries[journal.entries.length - 1]?.record ?? null;
    const report: StatusReport = {
      schema_version: 1,
      rollout: spec.name,
      started: state !== null,
      status: state?.status ?? 'not started',
      phase: state ? { name: state.phase.name, index: state.phase.index, traffic: spec.phases.find((p) => p.name === state.phase.name)?.traffic ?? null, entered_unix_ms: state.phase.entered_unix_ms } : null,
      checks: state?.checks ?? 0,
      last_check_unix_ms: state?.last_check_unix_ms ?? null,
      last_decision: last ? { check: last.check, decision: last.decision, reasons: last.reasons } : null,
      pause: state?.pause ?? null,
      pending_hooks: state?.pending_hooks ?? [],
      journal: { records: journal.entries.length, verified: journal.ok, ...(journal.broken ? { broken: journal.broken } : {}) },
      if_checked_now: { decision: wouldBe.decision, reasons: wouldBe.reasons, next: wouldBe.next, soak: wouldBe.soak },
      surfaces: wouldBe.surfaces,
    };
    emit(STATUS_RENDERERS[options.format]({ report, firstPhase: spec.phases[0]!.name }));
    return EXIT.OK;
  });
}
