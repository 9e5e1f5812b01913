/** The edge of a manual action: lock, observe, apply, incident, hooks, audit line, journal, save. */
import { userInfo } from 'node:os';
import { relative } from 'node:path';
import { checkContext } from '../engine/check.js';
import { applyAction, type ManualAction } from '../engine/manual-action.js';
import type { Observations } from '../engine/observations.js';
import type { DecisionRecord, HookResult, SurfaceSummary } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { runHooks } from '../hooks/run-hooks.js';
import type { Spec } from '../spec/types.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { appendAudit } from '../store/audit.js';
import { writeIncident } from '../store/incident.js';
import { appendRecord } from '../store/journal.js';
import { acquireLock } from '../store/lock.js';
import { RolloutStore } from '../store/rollout-store.js';
import { observe, resolveIn } from './run-check.js';

export interface ControlOptions {
  root: string;
  store: string;
  nowMs: number;
  actor?: string;
  reason: string;
}

export type ControlRun = { ok: false; message: string } | { ok: true; record: DecisionRecord };

/** A phase (re)entered by a manual action starts its event windows at what the logs hold now. */
export function phaseEntryAt(next: RolloutState, obs: Observations, nowMs: number): RolloutState {
  if (next.phase.entered_unix_ms !== nowMs || next.phase.checks !== 0) return next;
  const surfaces = { ...next.surfaces };
  for (const [name, seen] of Object.entries(obs.surfaces)) {
    const memory = surfaces[name];
    if (memory && memory.phase_entry === null) surfaces[name] = { ...memory, phase_entry: seen.events.cursor.tally, phase_entry_position: seen.events.cursor.position };
  }
  return { ...next, surfaces };
}

export function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export async function runControl(spec: Spec, action: ManualAction, options: ControlOptions): Promise<ControlRun> {
  const store = new RolloutStore(options.store, spec.name);
  store.ensure();
  const lock = acquireLock(store.lockPath, options.nowMs);
  try {
    const before = store.load();
    const obs = observe(spec, before, options.root);
    const ctx = checkContext(spec, before, obs, options.nowMs);
    const surfaces: Record<string, SurfaceSummary> = {};
    for (const [name, s] of Object.entries(ctx.surfaces)) {
      surfaces[name] = { present: s.present, stale: s.stale, health_state: s.health_state, health_reason: s.health_reason, rollout_gate: s.rollout_gate, paused: s.paused };
    }
    const who = { actor: options.actor ?? defaultActor(), reason: options.reason };
    const result = applyAction(spec, before, action, who, options.nowMs, surfaces);
    if (!result.ok) return result;
    let { record } = result;
    let next = phaseEntryAt(result.next, obs, options.nowMs);
    if (action === 'abort') {
      const incident = writeIncident(store.incidentsDir, spec, record, before, (dir) => resolveIn(options.root, dir));
      record = { ...record, notes: [...record.notes, `incident bundle written to ${relative(store.dir, incident)} in the rollout's store folder`] };
    }
    const hookResults: HookResult[] = [];
    for (const event of result.hooks) {
      writeFileAtomic(store.hookRecordPath, JSON.stringify(record, null, 2) + '\n');
      const run = await runHooks(event, spec.hooks[event], record, { cwd: options.root, recordPath: store.hookRecordPath });
      hookResults.push(...run.results);
      if (run.ok) continue;
      const failed = run.results[run.results.length - 1]!;
      if (result.ifHooksFail) {
        record = { ...result.ifHooksFail.record, reasons: [`the ${event} hook \`${failed.hook}\` failed (${failed.message}), so the phase is kept`, ...record.reasons] };
        next = result.ifHooksFail.next;
      } else {
        next = { ...next, pending_hooks: [{ event, since_unix_ms: options.nowMs, attempts: 1, last_error: `${failed.hook}: ${failed.message}` }] };
        record = { ...record, reasons: [...record.reasons, `the ${event} hook \`${failed.hook}\` failed (${failed.message}); it is retried at every check until it succeeds`] };
      }
    }
    record = { ...record, hooks: hookResults };
    appendAudit(store.auditPath, {
      schema_version: 1, request_id: `rollgate-action-${options.nowMs}`, action, actor: who.actor, reason: who.reason,
      status: 'accepted', timestamp_unix_ms: options.nowMs, control_mode: next.pause ? 'paused' : 'running', rollout: spec.name,
    });
    appendRecord(store.journalPath, record);
    store.save(next);
    return { ok: true, record };
  } finally {
    lock.release();
  }
}
