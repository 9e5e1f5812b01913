/**
 * The edge around the pure engine: take the lock, load the state, read every surface and
 * input, decide, run hooks, write the incident bundle, journal the record, save the state,
 * release the lock. `rollgate evaluate`, the scheduler and the server all check through here.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { check } from '../engine/check.js';
import type { Observations } from '../engine/observations.js';
import type { DecisionRecord, HookResult } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { runHooks } from '../hooks/run-hooks.js';
import { readInput } from '../observe/inputs.js';
import { readSurfaceFiles } from '../observe/read-surface.js';
import type { Spec } from '../spec/types.js';
import { writeIncident } from '../store/incident.js';
import { acquireLock, type Lock } from '../store/lock.js';
import { faultPoint } from '../store/fault.js';
import { RolloutStore } from '../store/rollout-store.js';
import { applyHooks } from './apply-hooks.js';

export interface RunCheckOptions {
  /** Where relative stateDir and input paths resolve. */
  root: string;
  /** The store directory (default `<root>/.rollgate`). */
  store: string;
  nowMs: number;
  dryRun: boolean;
  /** `--input name=file` overrides. */
  inputFiles?: Record<string, string>;
}

export interface CheckRun {
  record: DecisionRecord;
  /** The state before the check (for status displays). */
  before: RolloutState | null;
  incident: string | null;
}

export function resolveIn(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}

/** Reads everything a check needs; the cursors come from the remembered state. */
export function observe(spec: Spec, state: RolloutState | null, root: string, inputFiles: Record<string, string> = {}): Observations {
  const obs: Observations = { surfaces: {}, inputs: {} };
  for (const s of spec.surfaces) {
    const files = readSurfaceFiles(resolveIn(root, s.stateDir), state?.surfaces[s.name]?.cursor ?? null);
    obs.surfaces[s.name] = {
      state: files.state,
      control: files.control,
      events: { present: files.events.logPresent, cursor: files.events.cursor, notes: files.events.notes, unsettled: files.events.unsettled },
    };
  }
  for (const input of spec.inputs) obs.inputs[input.name] = readInput(input, root, inputFiles[input.name]);
  return obs;
}

export async function runCheck(spec: Spec, options: RunCheckOptions): Promise<CheckRun> {
  const store = new RolloutStore(options.store, spec.name);
  let lock: Lock | null = null;
  if (!options.dryRun) {
    store.ensure();
    // The lock's age is wall-clock time, never --now: a check replaying the past must not look
    // like an hour-old lock to a check running now (and be taken over while it is alive).
    lock = acquireLock(store.lockPath);
  }
  try {
    faultPoint('holding-lock');
    // A crash in a previous check's commit is finished (or undone) before anything else.
    const recoveredNote = options.dryRun ? null : store.recover();
    const before = store.load();
    const result = check(spec, before, observe(spec, before, options.root, options.inputFiles), options.nowMs, { dryRun: options.dryRun });
    let { record, next } = result;
    if (lock?.recovered) record = { ...record, notes: [...record.notes, lock.recovered] };
    if (options.dryRun) return { record, before, incident: null };

    const hookCtx = { cwd: options.root, recordPath: store.hookRecordPath };
    const hookResults: HookResult[] = [];
    let incident: string | null = null;

    if (!result.changed) {
      // A terminal rollout: only failed rollback hooks are retried.
      if (before && before.pending_hooks.length > 0) {
        const retried = await retryPendingHooks(spec, before, record, hookCtx);
        hookResults.push(...retried.results);
        store.save(retried.state);
      }
      return { record: { ...record, hooks: hookResults }, before, incident };
    }

    if (record.decision === 'rollback') {
      incident = writeIncident(store.incidentsDir, spec, record, before, (dir) => resolveIn(options.root, dir));
      record = { ...record, notes: [...record.notes, `incident bundle written to ${relative(store.dir, incident)} in the rollout's store folder`] };
    }
    ({ record, next } = await applyHooks(spec, result.hooks, { record, next }, result.ifHooksFail, { ...hookCtx, nowMs: options.nowMs }));
    const appended = store.commit(next, recoveredNote ? { ...record, notes: [...record.notes, recoveredNote] } : record);
    if (recoveredNote) record = { ...record, notes: [...record.notes, recoveredNote] };
    if (appended.repaired) record = { ...record, notes: [...record.notes, appended.repaired] };
    return { record, before, incident };
  } finally {
    lock?.release();
  }
}

async function retryPendingHooks(spec: Spec, state: RolloutState, record: DecisionRecord, ctx: { cwd: string; recordPath: string }) {
  const results: HookResult[] = [];
  const pending = [];
  for (const p of state.pending_hooks) {
    const run = await runHooks(p.event, spec.hooks[p.event], record, ctx);
    results.push(...run.results);
    if (!run.ok) {
      const failed = run.results[run.results.length - 1]!;
      pending.push({ ...p, attempts: p.attempts + 1, last_error: `${failed.hook}: ${failed.message}` });
    }
  }
  return { results, state: { ...state, pending_hooks: pending } };
}
