/**
 * Does the rest of the store agree with the journal? rollout.json with the last record, and
 * actions-audit.jsonl with every journaled manual action (`rollgate journal --verify`).
 */
import type { RolloutState } from '../engine/state.js';
import { auditLineOf, hasAuditLine, readAuditLines } from './audit.js';
import type { JournalEntry } from './journal.js';

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
  return auditLinesAgreement(entries, readAuditLines(auditPath), auditPath, interruptedCheck);
}

/** `auditAgreement` on audit lines already read: a pure function of its inputs. */
export function auditLinesAgreement(entries: JournalEntry[], lines: ReturnType<typeof readAuditLines>, auditPath: string, interruptedCheck: number | null): AuditAgreement {
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
