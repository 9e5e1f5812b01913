/** `rollgate status`: where the rollout stands and what a check would decide now. */
import type { DecisionRecord } from '../engine/record.js';
import type { Decision, PendingHooks, RolloutState, RolloutStatus } from '../engine/state.js';
import { formatDuration } from '../time/duration.js';
import { isoOf } from '../time/instant.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';
import type { RolloutStanding } from '../runner/rollout-status.js';

export const STATUS_FORMATS = ['text', 'json'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

/** The `status --format json` document (schema_version 1). */
export interface StatusReport {
  schema_version: 1;
  rollout: string;
  started: boolean;
  status: RolloutStatus | 'not started';
  phase: { name: string; index: number; traffic: number | null; entered_unix_ms: number } | null;
  checks: number;
  last_check_unix_ms: number | null;
  last_decision: { check: unknown; decision: unknown; reasons: unknown } | null;
  /** When and why the rollout was rolled back or completed (null while it runs; absent in reports made before it was added). */
  terminal?: RolloutState['terminal'];
  pause: RolloutState['pause'];
  pending_hooks: PendingHooks[];
  journal: { records: number; verified: boolean; broken?: { line: number; problem: string } };
  if_checked_now: { decision: Decision; reasons: string[]; next: string; soak: DecisionRecord['soak'] };
  surfaces: DecisionRecord['surfaces'];
}

export interface StatusView {
  report: StatusReport;
  /** The phase the first check enters (said while the rollout has not started). */
  firstPhase: string;
}

/** The status document of a rollout-status answer (asked with `verify`). */
export function statusReportOf(standing: RolloutStanding): StatusReport {
  const { spec, state, preview: wouldBe } = standing;
  const journal = standing.journal!.verification;
  const last = journal.entries[journal.entries.length - 1]?.record ?? null;
  return {
    schema_version: 1,
    rollout: spec.name,
    started: state !== null,
    status: state?.status ?? 'not started',
    phase: state ? { name: state.phase.name, index: state.phase.index, traffic: spec.phases.find((p) => p.name === state.phase.name)?.traffic ?? null, entered_unix_ms: state.phase.entered_unix_ms } : null,
    checks: state?.checks ?? 0,
    last_check_unix_ms: state?.last_check_unix_ms ?? null,
    last_decision: last ? { check: last.check, decision: last.decision, reasons: last.reasons } : null,
    terminal: state?.terminal ?? null,
    pause: state?.pause ?? null,
    pending_hooks: state?.pending_hooks ?? [],
    journal: { records: journal.entries.length, verified: journal.ok, ...(journal.broken ? { broken: journal.broken } : {}) },
    if_checked_now: { decision: wouldBe.decision, reasons: wouldBe.reasons, next: wouldBe.next, soak: wouldBe.soak },
    surfaces: wouldBe.surfaces,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const renderStatusText: Renderer<StatusView> = (view) => ({ stdout: textLines(statusLines(view)) });

/** The lines of the text status (also a block of `status --watch`). */
export function statusLines({ report: r, firstPhase }: StatusView): string[] {
  const out: string[] = [];
  const terminal = r.status === 'rolled_back' || r.status === 'complete' ? (r.terminal ?? null) : null;
  const last = r.last_decision;
  if (r.status === 'rolled_back' && r.phase) {
    // Rolled back: said first, with why; the phase no longer runs, so no soak and no preview.
    out.push(`${r.rollout}: rolled_back${terminal ? ` at check ${terminal.check} (${isoOf(terminal.at_unix_ms)})` : ''} in phase ${r.phase.name} (was ${r.phase.traffic ?? '?'}%), ${plural(r.checks, 'check')}`);
    const why = terminal?.reasons[0] ?? (last ? (last.reasons as string[])[0] : undefined);
    if (why !== undefined) out.push(`rolled back because: ${why}`);
    // A record after the rollback (a manual action) is said too; without `terminal`, `why` was it.
    if (last && terminal && last.check !== terminal.check) out.push(`last decision: ${String(last.decision)} at check ${String(last.check)}: ${(last.reasons as string[])[0] ?? ''}`);
  } else if (r.status === 'complete' && r.phase) {
    out.push(`${r.rollout}: complete${terminal ? ` at check ${terminal.check} (${isoOf(terminal.at_unix_ms)})` : ''}, last phase ${r.phase.name} (${r.phase.traffic ?? '?'}%), ${plural(r.checks, 'check')}`);
    if (last) out.push(`last decision: ${String(last.decision)} at check ${String(last.check)}: ${(last.reasons as string[])[0] ?? ''}`);
  } else {
    out.push(r.phase
      ? `${r.rollout}: ${r.status}, phase ${r.phase.name} (${r.phase.traffic ?? '?'}%) since ${isoOf(r.phase.entered_unix_ms)}, ${plural(r.checks, 'check')}`
      : `${r.rollout}: not started (the first \`rollgate evaluate\` enters ${firstPhase})`);
    if (last) out.push(`last decision: ${String(last.decision)} at check ${String(last.check)}: ${(last.reasons as string[])[0] ?? ''}`);
  }
  if (r.pause) out.push(`paused by ${r.pause.actor}: ${r.pause.reason}`);
  for (const p of r.pending_hooks) out.push(`pending ${p.event} hooks (${plural(p.attempts, 'attempt')}): ${p.last_error}`);
  const now = r.if_checked_now;
  if (r.status === 'rolled_back' || r.status === 'complete') {
    out.push(`next: ${now.next}`);
  } else {
    out.push(`if checked now: ${now.decision}: ${now.reasons[0] ?? ''}`);
    out.push(`soak: ${formatDuration(now.soak.held_ms - (now.soak.held_ms % 1000))} of ${formatDuration(now.soak.required_ms)}; next: ${now.next}`);
  }
  for (const [name, s] of Object.entries(r.surfaces)) out.push(`  ${name}: ${s.health_state}, gate ${s.rollout_gate}${s.stale ? ', stale' : ''}${s.paused ? ', paused' : ''}: ${s.health_reason}`);
  out.push(`journal: ${plural(r.journal.records, 'record')}, ${r.journal.verified ? 'hash chain verified' : `BROKEN at line ${r.journal.broken!.line}: ${r.journal.broken!.problem}`}`);
  return out;
}

export const STATUS_RENDERERS: Record<StatusFormat, Renderer<StatusView>> = {
  text: renderStatusText,
  json: ({ report }) => ({ stdout: jsonText(report, 2) + '\n' }),
};
