/**
 * The status report operators already know (tau-formats §5): the producer's field names, order
 * and meaning, computed from the live log as the producer does, then rollgate's extras.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readControlState } from './control-state.js';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import { rotatedFiles } from './event-cursor.js';
import { EVENTS_LOG } from '../tau/files.js';
import { applyPause, classifyHealth, gateOf, reportedReason } from '../tau/health.js';
import { readLogFile } from './log-reader.js';
import { emptyTally, sortedCounts, type LogTally } from '../engine/log-tally.js';
import { readStateFile } from './state-file.js';
import { HEALTH_FIELDS, zeroHealth, type HealthSnapshot } from '../tau/health.js';
import { STATE_FILE } from '../tau/files.js';
import { type StateRead } from '../engine/observations.js';
import { TRANSPORT_TARGETS, type DetectedKind, type SurfaceKind } from '../tau/surface-kind.js';

export interface StatusOptions {
  /** Overrides detection from state.json. */
  kind?: SurfaceKind;
  staleAfterMs?: number | null;
  nowMs: number;
}

export type StatusReport = Record<string, unknown>;

export function collectStatusReport(stateDir: string, options: StatusOptions): StatusReport {
  const statePath = join(stateDir, STATE_FILE);
  const eventsPath = join(stateDir, EVENTS_LOG);
  const tally = emptyTally();
  let pendingBytes = 0;
  const present = existsSync(eventsPath);
  if (present) pendingBytes = readLogFile(eventsPath, 0, false, tally).pendingBytes;
  const rotated = rotatedFiles(stateDir).map((path) => ({ path, bytes: sizeOf(path) }));
  const control = readControlState(join(stateDir, CONTROL_STATE_FILE));
  return buildStatusReport({
    statePath, eventsPath, state: readStateFile(statePath), paused: control.mode !== 'running', controlNote: control.note,
    log: { present, tally, pendingBytes }, rotated,
  }, options);
}

/** A rotated file's size; 0 for one that cannot be stat'ed (a dangling link, a symlink loop). */
function sizeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

export interface StatusInputs {
  statePath: string;
  eventsPath: string;
  state: StateRead;
  /** Holds like a pause: mode paused, or a control state that says neither (then `controlNote` says why). */
  paused: boolean;
  controlNote?: string | null;
  log: { present: boolean; tally: LogTally; pendingBytes: number };
  rotated: { path: string; bytes: number }[];
}

export function buildStatusReport(input: StatusInputs, options: StatusOptions): StatusReport {
  const { state, log } = input;
  const kind: DetectedKind = options.kind ?? (state.present ? state.kind : 'unknown');
  const health: HealthSnapshot = state.present ? state.health : zeroHealth();
  const raw = state.present ? state.state : {};
  const age = state.present ? options.nowMs - health.updated_unix_ms : null;
  const stale = age !== null && options.staleAfterMs != null && age > options.staleAfterMs;

  let healthState: string;
  let reason: string;
  if (state.present) {
    // A control state that says neither running nor paused holds, but is no operator pause.
    const operatorPause = input.paused && !input.controlNote;
    const c = applyPause(classifyHealth(health), operatorPause);
    healthState = c.state;
    reason = reportedReason(c, log.tally.last?.reason ?? null, operatorPause);
    if (input.controlNote && c.state === 'healthy') reason = input.controlNote;
  } else {
    healthState = 'unknown';
    reason = `state unavailable: ${state.reason}`;
  }
  const gate = stale || input.controlNote ? 'hold' : gateOf(healthState as 'healthy');

  const report: StatusReport = {
    state_path: input.statePath,
    events_log_path: input.eventsPath,
    events_log_present: log.present,
    health_state: healthState,
    health_reason: reason,
    rollout_gate: gate,
    processed_case_count: list(raw.processed_case_keys).length,
    ...collectionCounts(kind, raw),
    cycle_reports: log.tally.cycles,
    invalid_cycle_reports: log.tally.invalid,
    last_reason_codes: log.tally.last?.codes ?? [],
    reason_code_counts: sortedCounts(log.tally.codes),
    health: Object.fromEntries(HEALTH_FIELDS.map((f) => [f, health[f]])),
    // rollgate's extras
    surface_kind: kind,
    state_present: state.present,
    ...(state.present ? {} : { state_error: state.reason }),
    stale,
    age_ms: age,
    paused: input.paused,
    ...(input.controlNote ? { control_error: input.controlNote } : {}),
    rotated_files: input.rotated,
    events_pending_bytes: log.pendingBytes,
  };
  return report;
}

/** The transport-health view: `{transport, target, state_path, health}`. */
export function transportHealthRow(report: StatusReport): Record<string, unknown> {
  const kind = report.surface_kind as DetectedKind;
  return {
    transport: kind,
    target: kind === 'unknown' ? 'unknown' : TRANSPORT_TARGETS[kind],
    state_path: report.state_path,
    health: report.health,
  };
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {})) : [];
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const count = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0);

function tallyBy(records: Record<string, unknown>[], key: (r: Record<string, unknown>) => string): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of records) {
    const k = key(r);
    if (k !== '') out[k] = (out[k] ?? 0) + 1;
  }
  return sortedCounts(out);
}

const statusCode = (r: Record<string, unknown>, field: string) => (count(r[field]) > 0 ? String(r[field]) : '');
const sum = (records: Record<string, unknown>[], field: string) => records.reduce((n, r) => n + count(r[field]), 0);

/** The per-kind fields, as the producer's inspectors compute them (partial records accepted). */
function collectionCounts(kind: DetectedKind, state: Record<string, unknown>): Record<string, unknown> {
  switch (kind) {
    case 'dashboard':
      return { widget_count: list(state.widget_views).length, control_audit_count: list(state.control_audit).length };
    case 'custom-command': {
      const commands = list(state.commands);
      return {
        command_count: commands.length,
        command_name_counts: tallyBy(commands, (c) => text(c.command_name)),
        operation_counts: tallyBy(commands, (c) => text(c.operation).toUpperCase()),
        outcome_counts: tallyBy(commands, (c) => text(c.last_outcome)),
        status_code_counts: tallyBy(commands, (c) => statusCode(c, 'last_status_code')),
        total_run_count: sum(commands, 'run_count'),
      };
    }
    case 'voice': {
      const interactions = list(state.interactions);
      return {
        interaction_count: interactions.length,
        mode_counts: tallyBy(interactions, (i) => text(i.mode)),
        speaker_counts: tallyBy(interactions, (i) => text(i.speaker_id)),
        outcome_counts: tallyBy(interactions, (i) => text(i.last_outcome)),
        status_code_counts: tallyBy(interactions, (i) => statusCode(i, 'last_status_code')),
        utterance_count: interactions.filter((i) => text(i.utterance) !== '').length,
        total_run_count: sum(interactions, 'run_count'),
      };
    }
    case 'deployment': {
      const rollouts = list(state.rollouts);
      const targets = rollouts.map((r) => text(r.deploy_target).toLowerCase()).filter((t) => t !== '');
      return {
        rollout_count: rollouts.length,
        target_counts: tallyBy(rollouts, (r) => text(r.deploy_target).toLowerCase()),
        runtime_profile_counts: tallyBy(rollouts, (r) => text(r.runtime_profile).toLowerCase()),
        environment_counts: tallyBy(rollouts, (r) => text(r.environment).toLowerCase()),
        outcome_counts: tallyBy(rollouts, (r) => text(r.outcome)),
        status_code_counts: tallyBy(rollouts, (r) => statusCode(r, 'status_code')),
        error_code_counts: tallyBy(rollouts, (r) => text(r.error_code)),
        total_replicas: sum(rollouts, 'replicas'),
        wasm_rollout_count: targets.filter((t) => t === 'wasm').length,
        cloud_rollout_count: targets.filter((t) => t !== 'wasm').length,
      };
    }
    case 'memory':
      return { entry_count: list(state.entries).length };
    case 'browser':
      return { result_count: list(state.results).length };
    default:
      return {};
  }
}
