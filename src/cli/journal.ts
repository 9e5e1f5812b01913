/** `rollgate journal <spec> [--verify] [--format text|json] [--limit N]`: the decision history, and its audit. */
import { existsSync } from 'node:fs';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { decisionRow } from '../engine/record-rows.js';
import { jsonText, safeLine, textLines } from '../report/escape.js';
import { isoOf } from '../time/instant.js';
import { auditLineOf, hasAuditLine, readAuditLines } from '../store/audit.js';
import { verifyJournal, type JournalEntry } from '../store/journal.js';
import { RolloutFolder } from '../store/file-rollout-store.js';
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

export interface AuditAgreement {
  ok: boolean;
  /** Manual actions in the journal (records with `override`). */
  actions: number;
  /** Those without their line in actions-audit.jsonl, by check number. */
  missing: { check: number; line: number; request_id: string; action: string }[];
  problem: string | null;
}

/**
 * Has every journaled manual action its audit line (the same request_id, or the same instant and
 * action)? The last record's line may be missing only while a crash's interrupted commit of it is
 * pending: the next locked operation completes the commit and restores the line.
 */
export function auditAgreement(entries: JournalEntry[], auditPath: string, interruptedCheck: number | null): AuditAgreement {
  const lines = readAuditLines(auditPath);
  let actions = 0;
  const missing: AuditAgreement['missing'] = [];
  for (const { line, record } of entries) {
    const wanted = auditLineOf(record);
    if (!wanted) continue;
    actions++;
    if (hasAuditLine(lines, wanted)) continue;
    if (record.check === interruptedCheck && line === entries[entries.length - 1]!.line) continue;
    missing.push({ check: record.check!, line, request_id: wanted.request_id, action: wanted.action });
  }
  if (missing.length === 0) return { ok: true, actions, missing, problem: null };
  const first = missing[0]!;
  const problem = `${auditPath} has no line for the ${first.action} of check ${first.check} (request_id ${first.request_id}, journal line ${first.line})${missing.length > 1 ? ` nor for ${missing.length - 1} more manual action${missing.length === 2 ? '' : 's'} (checks ${missing.slice(1).map((m) => m.check).join(', ')})` : ''}; a crash between journal and audit is repaired by the next \`rollgate evaluate\` or \`control\` (the last action only), anything else is a removed or edited audit log`;
  return { ok: false, actions, missing, problem };
}

export function runJournal(specFile: string, options: JournalOptions): Promise<number> {
  return withExitCodes('journal', async () => {
    const spec = loadSpecOrExit(specFile);
    const { store: storeDir } = placeOf(options);
    const store = new RolloutFolder(storeDir, spec.name);
    const limit = options.limit === undefined ? Infinity : Number(options.limit);
    if (!(limit > 0)) throw new ExitError(`--limit ${options.limit}: give a positive number of records`, EXIT.USAGE);
    if (!existsSync(store.journalPath) && !existsSync(store.statePath)) {
      if (options.format === 'json') process.stdout.write(jsonText({ schema_version: 1, rollout: spec.name, records: [], verification: options.verify ? { ok: true, broken: null, state: { ok: true, problem: null } } : null }, 2) + '\n');
      else process.stdout.write(safeLine(`${spec.name}: no checks yet (no journal in ${store.dir})`) + '\n');
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
    const records = v.entries.slice(-limit);
    const ok = v.ok && agree.ok && audit.ok;

    if (options.format === 'json') {
      const doc = {
        schema_version: 1,
        rollout: spec.name,
        journal: store.journalPath,
        records: records.map((e) => e.record),
        verification: options.verify ? { ok, records: v.entries.length, broken: v.broken, state: agree, audit } : null,
        ...(v.badInstant ? { corrupt: { line: v.badInstant.line, problem: v.badInstant.problem } } : {}),
      };
      process.stdout.write(jsonText(doc, 2) + '\n');
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
        lines.push(audit.ok ? `verify: every manual action in the journal (${audit.actions}) has its line in actions-audit.jsonl` : `verify: actions-audit.jsonl LACKS the line of ${audit.missing.length === 1 ? 'check' : 'checks'} ${audit.missing.map((m) => m.check).join(', ')}: ${audit.problem}`);
      }
      process.stdout.write(textLines(lines));
      if (options.verify && !ok) {
        const problems = [v.broken ? `${store.journalPath}:${v.broken.line}: ${v.broken.problem}` : null, agree.ok ? null : agree.problem, audit.ok ? null : audit.problem].filter((p) => p !== null);
        process.stderr.write(textLines(problems.map((p) => `rollgate journal: ${p}`)));
      }
    }
    if (v.badInstant) {
      process.stderr.write(safeLine(`rollgate journal: ${store.journalPath}:${v.badInstant.line}: corrupt data: ${v.badInstant.problem}; an older rollgate accepted such a --now. The record cannot be trusted: restore the journal from a backup, or move the rollout's store folder aside to start again`) + '\n');
      return EXIT.INVALID;
    }
    return options.verify && !ok ? EXIT.INVALID : EXIT.OK;
  });
}
