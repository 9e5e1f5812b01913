/**
 * Judges a case's expectations against the decision records of its replay. Pure: records in,
 * failures out, each with the expected and the actual decisions side by side.
 */
import type { DecisionRecord, GateResult } from '../engine/record.js';
import { decisionRow, decisionRuns, isoSeconds, runRow } from '../engine/record-rows.js';
import { formatDuration } from '../time/duration.js';
import type { Spec } from '../spec/types.js';
import type { Expectation } from './test-file.js';

export interface ExpectationFailure {
  expectation: Expectation;
  /** One sentence: what was expected, what happened instead. */
  message: string;
  /** What the case expected, as decision rows (`-` lines of the diff). */
  expected: string[];
  /** What happened, as decision rows (`+` lines of the diff). */
  actual: string[];
}

const iso = isoSeconds;
const recordRow = (r: DecisionRecord) => `${iso(r.evaluated_unix_ms)}  ${decisionRow(r)}`;

/** The record of the check at `at` (not a manual action's record at the same instant). */
function checkAt(records: DecisionRecord[], at: number): DecisionRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.evaluated_unix_ms === at && !r.override) return r;
  }
  return undefined;
}

/** The gate's result over its surfaces: an error beats a failure, a failure beats a pass. */
function overall(results: GateResult[]): 'pass' | 'fail' | 'error' {
  if (results.some((g) => g.result === 'error')) return 'error';
  return results.some((g) => g.result === 'fail') ? 'fail' : 'pass';
}

/** How a rollback happened: the rollback triggers that fired, or `manual`. */
function causesOf(r: DecisionRecord): string[] {
  if (r.override) return ['manual'];
  return r.triggers.filter((t) => t.fired && t.action === 'rollback').map((t) => t.name);
}

/** The decision history up to `until` (or all of it) as runs, at most `limit` rows (the last ones). */
export function history(records: DecisionRecord[], until = Infinity, limit = 12): string[] {
  const rows = decisionRuns(records.filter((r) => r.evaluated_unix_ms <= until)).map(runRow);
  return rows.length > limit ? [`… ${rows.length - limit} earlier rows`, ...rows.slice(-limit)] : rows;
}

export function judge(e: Expectation, records: DecisionRecord[], spec: Spec, start: number): ExpectationFailure | null {
  const when = (ms: number) => `${iso(ms)} (${formatDuration(ms - start) || '0'})`;
  const fail = (message: string, expected: string[], actual: string[]): ExpectationFailure => ({ expectation: e, message, expected, actual });
  const atFailure = (r: DecisionRecord | undefined, wanted: string): ExpectationFailure =>
    fail(`at ${when(e.at!)}: expected ${wanted}, got ${r ? `${r.decision} in ${r.phase.name}` : 'no check'}`, [`${iso(e.at!)}  ${wanted}`], r ? [recordRow(r)] : ['no check at this instant']);

  if (e.at !== null && (e.decision || e.phase !== undefined || e.reason !== undefined || e.gate || e.trigger)) {
    const r = checkAt(records, e.at);
    if (!r) return atFailure(undefined, e.text);
    if (e.decision && r.decision !== e.decision) return atFailure(r, `decision ${e.decision}${e.phase ? ` (${e.phase})` : ''}`);
    if (e.phase !== undefined && r.phase.name !== e.phase) return atFailure(r, `phase ${e.phase}`);
    if (e.reason !== undefined && !r.reasons.some((x) => x.includes(e.reason!))) {
      return fail(`at ${when(e.at)}: no reason contains "${e.reason}"`, [`${iso(e.at)}  … ${e.reason} …`], [recordRow(r), ...r.reasons.slice(1).map((x) => `    ${x}`)]);
    }
    if (e.gate) {
      const results = r.gates.filter((g) => g.name === e.gate && (!e.surface || g.surface === e.surface));
      const on = e.surface ? ` on ${e.surface}` : '';
      if (results.length === 0) return fail(`at ${when(e.at)}: gate \`${e.gate}\`${on} was not evaluated (the check ran ${r.phase.name}'s gates, or none after the rollout ended)`, [`gate ${e.gate}${on}: ${e.result}`], [recordRow(r)]);
      const got = overall(results);
      if (got !== e.result) return fail(`at ${when(e.at)}: gate \`${e.gate}\`${on} expected ${e.result}, got ${got}`, [`gate ${e.gate}${on}: ${e.result}`], results.map((g) => `gate ${g.name}${g.surface ? ` on ${g.surface}` : ''}: ${g.result}: ${g.message}`));
    }
    if (e.trigger) {
      const results = r.triggers.filter((t) => t.name === e.trigger && (!e.surface || t.surface === e.surface));
      const fired = results.some((t) => t.fired);
      const on = e.surface ? ` on ${e.surface}` : '';
      if (fired !== e.fired) {
        const actual = results.length ? results.map((t) => `trigger ${t.name}${t.surface ? ` on ${t.surface}` : ''}: ${t.fired ? 'fired' : 'quiet'} (streak ${t.streak}/${t.consecutive}): ${t.message}`) : [`trigger ${e.trigger} was not evaluated at this check`];
        return fail(`at ${when(e.at)}: trigger \`${e.trigger}\`${on} expected ${e.fired ? 'to fire' : 'not to fire'}, it ${fired ? 'fired' : 'did not'}`, [`trigger ${e.trigger}${on}: ${e.fired ? 'fired' : 'quiet'}`], actual);
      }
    }
    return null;
  }

  if (e.phase !== undefined && e.by !== null) {
    const index = spec.phases.findIndex((p) => p.name === e.phase);
    const reached = records.find((r) => r.evaluated_unix_ms <= e.by! && r.phase.index >= index);
    return reached ? null : fail(`phase ${e.phase} not reached by ${when(e.by)}`, [`by ${iso(e.by)}  in ${e.phase}`], history(records, e.by));
  }

  if (e.rolled_back_by !== undefined) {
    const rollback = records.find((r) => r.decision === 'rollback');
    const wanted = `rollback by ${e.rolled_back_by}${e.at !== null ? ` at ${iso(e.at)}` : e.by !== null ? ` by ${iso(e.by)}` : ''}`;
    if (!rollback) return fail(`expected a ${wanted}; the rollout was never rolled back`, [wanted], history(records, e.by ?? e.at ?? Infinity));
    const causes = causesOf(rollback);
    const timely = e.at !== null ? rollback.evaluated_unix_ms === e.at : e.by !== null ? rollback.evaluated_unix_ms <= e.by : true;
    const cause = e.rolled_back_by === 'any' || causes.includes(e.rolled_back_by);
    if (!timely || !cause) return fail(`expected a ${wanted}; rolled back at ${when(rollback.evaluated_unix_ms)} by ${causes.join(', ') || 'no trigger'}`, [wanted], history(records, rollback.evaluated_unix_ms));
    return null;
  }

  if (e.completed !== undefined) {
    const done = records.find((r) => r.decision === 'complete');
    if (!e.completed) return done ? fail(`expected never to complete; completed at ${when(done.evaluated_unix_ms)}`, ['never complete'], history(records, done.evaluated_unix_ms)) : null;
    const wanted = `complete${e.at !== null ? ` at ${iso(e.at)}` : e.by !== null ? ` by ${iso(e.by)}` : ''}`;
    if (!done) return fail(`expected to ${wanted}; it did not complete`, [wanted], history(records, e.by ?? e.at ?? Infinity));
    const timely = e.at !== null ? done.evaluated_unix_ms === e.at : e.by !== null ? done.evaluated_unix_ms <= e.by : true;
    return timely ? null : fail(`expected to ${wanted}; completed at ${when(done.evaluated_unix_ms)}`, [wanted], history(records, done.evaluated_unix_ms));
  }

  if (e.never_promotes_before !== undefined) {
    const early = records.find((r) => r.evaluated_unix_ms < e.never_promotes_before! && (r.decision === 'promote' || r.decision === 'complete'));
    return early ? fail(`expected no promotion before ${when(e.never_promotes_before)}; ${early.decision} at ${when(early.evaluated_unix_ms)}`, [`no promote before ${iso(e.never_promotes_before)}`], history(records, early.evaluated_unix_ms)) : null;
  }

  if (e.never_rolls_back) {
    const rollback = records.find((r) => r.decision === 'rollback');
    return rollback ? fail(`expected no rollback; rolled back at ${when(rollback.evaluated_unix_ms)} by ${causesOf(rollback).join(', ') || 'no trigger'}`, ['never roll back'], history(records, rollback.evaluated_unix_ms)) : null;
  }

  if (e.end !== undefined) {
    const last = records[records.length - 1];
    return last?.status === e.end ? null : fail(`expected the rollout to end ${e.end}; it ended ${last?.status ?? 'without a check'}`, [`end: ${e.end}`], history(records));
  }
  return null;
}
