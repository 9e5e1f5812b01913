/** `rollgate journal`: the decision history, and with --verify its audit. */
import type { DecisionRecord } from '../engine/record.js';
import { decisionRow } from '../engine/record-rows.js';
import type { JournalEntry, Verification } from '../store/journal.js';
import type { AuditAgreement, StateAgreement } from '../store/journal-agreement.js';
import { isoOf } from '../time/instant.js';
import { formatPosition } from './diagnostic.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const JOURNAL_FORMATS = ['text', 'json'] as const;
export type JournalFormat = (typeof JOURNAL_FORMATS)[number];

export interface JournalView {
  rollout: string;
  storeDir: string;
  journalPath: string;
  /** --verify: say whether the chain, rollout.json and the audit agree. */
  verify: boolean;
  /** null: neither a journal nor a rollout.json yet. */
  history: {
    verification: Verification;
    state: StateAgreement;
    audit: AuditAgreement;
    /** The records to show (the last --limit). */
    records: JournalEntry[];
    /** The chain is intact, and rollout.json and the audit agree with it. */
    ok: boolean;
  } | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const renderJournalText: Renderer<JournalView> = ({ rollout, storeDir, journalPath, verify, history }) => {
  if (!history) return { stdout: textLines([`${rollout}: no checks yet (no journal in ${storeDir})`]) };
  const { verification: v, state: agree, audit, records } = history;
  const lines: string[] = [`${rollout}: ${plural(v.entries.length, 'record')} in ${journalPath}`];
  for (const { record: r } of records) {
    const x = r as unknown as DecisionRecord;
    lines.push(`#${String(x.check).padEnd(5)} ${isoOf(x.evaluated_unix_ms)}  ${decisionRow(x)}`);
  }
  if (verify) {
    if (v.broken) lines.push(`verify: BROKEN at line ${v.broken.line} of ${journalPath}: ${v.broken.problem}; the ${plural(v.entries.length, 'record')} before it verify`);
    else lines.push(`verify: the hash chain of ${plural(v.entries.length, 'record')} is intact; check numbers run 1 to ${v.entries.length ? String(v.entries[v.entries.length - 1]!.record.check) : 0} without a gap or a repeat`);
    lines.push(agree.ok ? 'verify: rollout.json agrees with the last record' : `verify: rollout.json DISAGREES with the journal: ${agree.problem}`);
    lines.push(audit.ok ? `verify: every manual action in the journal (${audit.actions}) has its line in actions-audit.jsonl` : `verify: actions-audit.jsonl LACKS the line of ${audit.missing.length === 1 ? 'check' : 'checks'} ${audit.missing.map((m) => m.check).join(', ')}: ${audit.problem}`);
  }
  return { stdout: textLines(lines) };
};

export const renderJournalJson: Renderer<JournalView> = ({ rollout, journalPath, verify, history }) => {
  if (!history) return { stdout: jsonText({ schema_version: 1, rollout, records: [], verification: verify ? { ok: true, broken: null, state: { ok: true, problem: null } } : null }, 2) + '\n' };
  const { verification: v, state, audit, records, ok } = history;
  const doc = {
    schema_version: 1,
    rollout,
    journal: journalPath,
    records: records.map((e) => e.record),
    verification: verify ? { ok, records: v.entries.length, broken: v.broken, state, audit } : null,
    ...(v.badInstant ? { corrupt: { line: v.badInstant.line, problem: v.badInstant.problem } } : {}),
  };
  return { stdout: jsonText(doc, 2) + '\n' };
};

export const JOURNAL_RENDERERS: Record<JournalFormat, Renderer<JournalView>> = {
  text: renderJournalText,
  json: renderJournalJson,
};

/**
 * What is wrong, on stderr after the report: with --verify in text form, each disagreement; in
 * every format, a record whose instant is corrupt.
 */
export const renderJournalProblems: Renderer<JournalView, { format: JournalFormat }> = ({ journalPath, verify, history }, { format }) => {
  if (!history) return { stdout: '' };
  const { verification: v, state: agree, audit, ok } = history;
  const problems: string[] = [];
  if (format === 'text' && verify && !ok) {
    for (const p of [v.broken ? `${formatPosition({ file: journalPath, line: v.broken.line })}: ${v.broken.problem}` : null, agree.ok ? null : agree.problem, audit.ok ? null : audit.problem]) {
      if (p !== null) problems.push(`rollgate journal: ${p}`);
    }
  }
  if (v.badInstant) problems.push(`rollgate journal: ${formatPosition({ file: journalPath, line: v.badInstant.line })}: corrupt data: ${v.badInstant.problem}; an older rollgate accepted such a --now. The record cannot be trusted: restore the journal from a backup, or move the rollout's store folder aside to start again`);
  return { stdout: '', stderr: textLines(problems) };
};
