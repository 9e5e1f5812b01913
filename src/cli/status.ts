/** `rollgate status <spec>`: where the rollout stands and what a check would decide now; changes nothing. */
import { jsonText, textLines } from '../report/escape.js';
import { rolloutStatus } from '../runner/rollout-status.js';
import { formatDuration } from '../time/duration.js';
import { fileStore } from '../store/file-store.js';
import { StoreError } from '../store/store-error.js';
import { isoOf } from '../time/instant.js';
import { EXIT } from './exit-codes.js';
import { loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface StatusOptions extends PlaceOptions {
  format: 'text' | 'json';
}

export function runStatus(specFile: string, options: StatusOptions): Promise<number> {
  return withExitCodes('status', async () => {
    const spec = loadSpecOrExit(specFile);
    const { root, store, nowMs } = placeOf(options);
    const rollout = fileStore(store, spec.name);
    const { state, preview: wouldBe, journal: verified } = await rolloutStatus(spec, { store: rollout, root, nowMs, verify: true });
    const journal = verified!;
    if (journal.badInstant) throw new StoreError(`${rollout.folder.journalPath}:${journal.badInstant.line}: corrupt data: ${journal.badInstant.problem}; an older rollgate accepted such a --now. Restore the journal from a backup, or move the rollout's store folder aside to start again`, 65);
    const last = journal.entries[journal.entries.length - 1]?.record ?? null;
    const report = {
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
    if (options.format === 'json') {
      process.stdout.write(jsonText(report, 2) + '\n');
      return EXIT.OK;
    }
    const out: string[] = [];
    out.push(state
      ? `${spec.name}: ${state.status}, phase ${state.phase.name} (${report.phase?.traffic ?? '?'}%) since ${isoOf(state.phase.entered_unix_ms)}, ${state.checks} check${state.checks === 1 ? '' : 's'}`
      : `${spec.name}: not started (the first \`rollgate evaluate\` enters ${spec.phases[0]!.name})`);
    if (last) out.push(`last decision: ${String(last.decision)} at check ${String(last.check)}: ${(last.reasons as string[])[0] ?? ''}`);
    if (state?.pause) out.push(`paused by ${state.pause.actor}: ${state.pause.reason}`);
    for (const p of state?.pending_hooks ?? []) out.push(`pending ${p.event} hooks (${p.attempts} attempt${p.attempts === 1 ? '' : 's'}): ${p.last_error}`);
    out.push(`if checked now: ${wouldBe.decision}: ${wouldBe.reasons[0] ?? ''}`);
    out.push(`soak: ${formatDuration(wouldBe.soak.held_ms - (wouldBe.soak.held_ms % 1000))} of ${formatDuration(wouldBe.soak.required_ms)}; next: ${wouldBe.next}`);
    for (const [name, s] of Object.entries(wouldBe.surfaces)) out.push(`  ${name}: ${s.health_state}, gate ${s.rollout_gate}${s.stale ? ', stale' : ''}${s.paused ? ', paused' : ''}: ${s.health_reason}`);
    out.push(`journal: ${journal.entries.length} record${journal.entries.length === 1 ? '' : 's'}, ${journal.ok ? 'hash chain verified' : `BROKEN at line ${journal.broken!.line}: ${journal.broken!.problem}`}`);
    process.stdout.write(textLines(out));
    return EXIT.OK;
  });
}
