/** `rollgate journal <spec> [--verify] [--format text|json] [--limit N]`: the decision history, and its audit. */
import { existsSync } from 'node:fs';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { decisionRow } from '../report/decision-rows.js';
import { isoOf } from '../report/instant.js';
import { verifyJournal, type JournalEntry } from '../store/journal.js';
import { RolloutStore } from '../store/rollout-store.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface JournalOptions extends Omit<PlaceOptions, 'now'> {
  verify?: boolean;
  format: 'text' | 'json';
  limit?: string;
}

export interface StateAgreement {
  ok: boolean;
  problem: string | null;
}

/** Does rollout.json (after any interrupted commit is accounted for) say what the last record says? */
export function agreement(state: RolloutState | null, last: JournalEntry['record'] | undefined): StateAgreement {
  if (!state && !last) return { ok: true, problem: null };
  if (!last) return { ok: false, problem: `rollout.json is at check ${state!.checks} but the journal is empty` };
  if (!state) return { ok: false, problem: `the journal ends at check ${String(last.check)} but there is no rollout.json` };
  const r = last as { check: number; status?: string; phase?: { name?: string } };
  const diffs: string[] = [];
  if (state.checks !== r.check) diffs.push(`rollout.json is at check ${state.checks}, the journal at check ${r.check}`);
  if (r.phase?.name !== undefined && state.phase.name !== r.phase.name) diffs.push(`rollout.json is in phase ${state.phase.name}, the last record in ${r.phase.name}`);
  if (r.status !== undefined && state.status !== r.status) diffs.push(`rollout.json says ${state.status}, the last record ${r.status}`);
  return diffs.length ? { ok: false, problem: diffs.join('; ') } : { ok: true, problem: null };
}

export function runJournal(specFile: string, options: JournalOptions): Promise<number> {
  return withExitCodes('journal', async () => {
    const spec = loadSpecOrExit(specFile);
    const { store: storeDir } = placeOf(options);
    const store = new RolloutStore(storeDir, spec.name);
    const limit = options.limit === undefined ? Infinity : Number(options.limit);
    if (!(limit > 0)) throw new ExitError(`--limit ${options.limit}: give a positive number of records`, EXIT.USAGE);
    if (!existsSync(store.journalPath) && !existsSync(store.statePath)) {
      if (options.format === 'json') process.stdout.write(JSON.stringify({ schema_version: 1, rollout: spec.name, records: [], verification: options.verify ? { ok: true, broken: null, state: { ok: true, problem: null } } : null }, null, 2) + '\n');
      else process.stdout.write(`${spec.name}: no checks yet (no journal in ${store.dir})\n`);
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
    const records = v.entries.slice(-limit);
    const ok = v.ok && agree.ok;

    if (options.format === 'json') {
      const doc = {
        schema_version: 1,
        rollout: spec.name,
        journal: store.journalPath,
        records: records.map((e) => e.record),
        verification: options.verify ? { ok, records: v.entries.length, broken: v.broken, state: agree } : null,
        ...(v.badInstant ? { corrupt: { line: v.badInstant.line, problem: v.badInstant.problem } } : {}),
      };
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else {
      const lines: string[] = [`${spec.name}: ${v.entries.length} record${v.entries.length === 1 ? '' : 's'} in ${store.journalPath}`];
      for (const { record: r } of records) {
        const x = r as unknown as DecisionRecord;
        lines.push(`#${String(x.check).padEnd(5)} ${isoOf(x.evaluated_unix_ms)}  ${decisionRow(x)}`);
      }
      if (options.verify) {
        if (v.broken) lines.push(`verify: BROKEN at line ${v.broken.line} of ${store.journalPath}: ${v.broken.problem}; the ${v.entries.length} record${v.entries.length === 1 ? '' : 's'} before it verify`);
        else lines.push(`verify: the hash chain of ${v.entries.length} record${v.entries.length === 1 ? '' : 's'} is intact; check numbers run 1 to ${v.entries.length ? String(v.entries[v.entries.length - 1]!.record.check) : 0} without a gap or a repeat`);
        lines.push(agree.ok ? 'verify: rollout.json agrees with the last record' : `verify: rollout.json DISAGREES with the journal: ${agree.problem}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
      if (options.verify && !ok) process.stderr.write(`rollgate journal: ${v.broken ? `${store.journalPath}:${v.broken.line}: ${v.broken.problem}` : agree.problem}\n`);
    }
    if (v.badInstant) {
      process.stderr.write(`rollgate journal: ${store.journalPath}:${v.badInstant.line}: corrupt data: ${v.badInstant.problem}; an older rollgate accepted such a --now. The record cannot be trusted: restore the journal from a backup, or move the rollout's store folder aside to start again\n`);
      return EXIT.INVALID;
    }
    return options.verify && !ok ? EXIT.INVALID : EXIT.OK;
  });
}
