/** The edge of a manual action: lock, observe, apply, incident, hooks, audit line, journal, save. */
import { userInfo } from 'node:os';
import { relative } from 'node:path';
import { checkContext, summarize } from '../engine/check.js';
import { applyAction, type ManualAction } from '../engine/manual-action.js';
import type { Observations } from '../engine/observations.js';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { appendAudit } from '../store/audit.js';
import { writeIncident } from '../store/incident.js';
import { faultPoint } from '../store/fault.js';
import { acquireLock } from '../store/lock.js';
import { RolloutStore } from '../store/rollout-store.js';
import { applyHooks } from './apply-hooks.js';
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
  const lock = acquireLock(store.lockPath);
  try {
    const recoveredNote = store.recover();
    const before = store.load();
    const obs = observe(spec, before, options.root);
    const context = checkContext(spec, before, obs, options.nowMs);
    const who = { actor: options.actor ?? defaultActor(), reason: options.reason };
    const cursors = Object.fromEntries(Object.entries(obs.surfaces).map(([name, seen]) => [name, seen.events.cursor]));
    const result = applyAction(spec, before, action, who, options.nowMs, summarize(context.surfaces), { unknownWindows: context.unknownWindows, cursors });
    if (!result.ok) return result;
    let { record } = result;
    let next = phaseEntryAt(result.next, obs, options.nowMs);
    if (action === 'abort') {
      const incident = writeIncident(store.incidentsDir, spec, record, before, (dir) => resolveIn(options.root, dir));
      record = { ...record, notes: [...record.notes, `incident bundle written to ${relative(store.dir, incident)} in the rollout's store folder`] };
    }
    ({ record, next } = await applyHooks(spec, result.hooks, { record, next }, result.ifHooksFail, { cwd: options.root, recordPath: store.hookRecordPath, nowMs: options.nowMs }));
    if (recoveredNote) record = { ...record, notes: [...record.notes, recoveredNote] };
    const appended = store.commit(next, record);
    if (appended.repaired) record = { ...record, notes: [...record.notes, appended.repaired] };
    // Audited once applied: the audit log never lists an action that did not happen. A crash
    // before this line is repaired by the next locked operation (RolloutStore.recover()).
    faultPoint('before-audit');
    appendAudit(store.auditPath, {
      schema_version: 1, request_id: `rollgate-action-${options.nowMs}`, action, actor: who.actor, reason: who.reason,
      status: 'accepted', timestamp_unix_ms: options.nowMs, control_mode: next.pause ? 'paused' : 'running', rollout: spec.name,
    });
    return { ok: true, record };
  } finally {
    lock.release();
  }
}
