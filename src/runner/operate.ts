/**
 * The one edge loop around the pure engine, for a check and for a manual action alike:
 *
 *   lock → recover → load → observe → decide (check or action) → incident → providers
 *        → commit (journal + state) → audit (actions) → unlock
 *
 * `evaluate`, `control`, `run`, `serve` and `simulate` all come through here; what differs is
 * the store (files, memory), the sources and the providers they pass in.
 */
import { check, checkContext, summarize } from '../engine/check.js';
import { applyAction, type ManualAction, type Who } from '../engine/manual-action.js';
import type { Observations } from '../engine/observations.js';
import { phaseEntryAt } from '../engine/phase-entry.js';
import type { DecisionRecord } from '../engine/record.js';
import type { CheckContext } from '../engine/rule-context.js';
import type { RolloutState } from '../engine/state.js';
import { observeRollout } from '../observe/observe-rollout.js';
import { resolveIn } from '../observe/paths.js';
import type { ObservationSource } from '../observe/source.js';
import type { HookEvent, Spec } from '../spec/types.js';
import { faultPoint } from '../store/fault.js';
import type { RolloutStore, StoreLock } from '../store/rollout-store.js';
import type { Decided, TrafficProvider } from '../routing/provider.js';

export type Operation =
  | { kind: 'check'; dryRun: boolean; /** gates[].trace and triggers[].trace (default true). */ trace?: boolean }
  | { kind: 'action'; action: ManualAction; who: Who };

export interface EdgeOptions {
  store: RolloutStore;
  /** Where relative paths in the spec resolve, and where hook commands run. */
  root: string;
  nowMs: number;
  inputFiles?: Readonly<Record<string, string>>;
  /** Default: the Tau state directories and the input files. */
  sources?: readonly ObservationSource[];
  /** Default: none (nothing is carried out; simulate). The CLI passes the hooks. */
  providers?: readonly TrafficProvider[];
  /**
   * Asked under the lock with the state just loaded: a sentence to skip this operation (nothing
   * is observed or written), or null. `run` on many hosts skips a tick another evaluator checked.
   */
  skipIf?: (before: RolloutState | null) => string | null;
  /** Told what the check read, before it decides (`evaluate --record` saves it for replay). */
  observed?: (obs: Observations) => void;
  /**
   * Given the record being journaled, while the commit waits on the disk (`evaluate` renders its
   * output then). Operate returns this same object unless a note is added after the commit.
   */
  whileCommitting?: (record: DecisionRecord) => void;
}

export type Operated =
  | { ok: false; message: string; /** skipIf said so (not a refusal). */ skipped?: true }
  | {
      ok: true;
      record: DecisionRecord;
      /** The state before (status displays). */
      before: RolloutState | null;
      /** The state after (the input of the next operation). */
      after: RolloutState | null;
      /** What the rules read (the dashboard shows surface ages and health from it). */
      context: CheckContext;
    };

interface Verdict {
  ok: true;
  decided: Decided;
  events: readonly HookEvent[];
  ifFails: Decided | null;
  changed: boolean;
  context: CheckContext;
  /** Set off an incident bundle (a rollback by trigger, an abort). */
  incident: boolean;
}

export async function operate(spec: Spec, operation: Operation, options: EdgeOptions): Promise<Operated> {
  const { store } = options;
  const dryRun = operation.kind === 'check' && operation.dryRun;
  const lock: StoreLock | null = dryRun ? null : await store.lock();
  try {
    // A crash in a previous commit is finished (or undone) before anything else.
    const recovered = dryRun ? null : await store.recover();
    const before = await store.load();
    const skip = options.skipIf?.(before) ?? null;
    if (skip !== null) return { ok: false, message: skip, skipped: true };
    const obs = await observeRollout(spec, before, { root: options.root, nowMs: options.nowMs, inputFiles: options.inputFiles ?? {}, sources: options.sources });
    options.observed?.(obs);
    const verdict = decideOperation(spec, operation, before, obs, options.nowMs);
    if (!verdict.ok) return verdict;
    let { record, next } = verdict.decided;
    if (lock?.recovered) record = { ...record, notes: [...record.notes, lock.recovered] };
    if (dryRun) {
      // Read-only: each provider reports what it sees (routing: the weights in effect).
      let decided: Decided = { record, next };
      for (const provider of options.providers ?? []) if (provider.inspect) decided = await provider.inspect(spec, decided);
      return { ok: true, record: decided.record, before, after: before, context: verdict.context };
    }

    const ctx = { cwd: options.root, recordPath: store.hookRecordPath };
    if (!verdict.changed) {
      // A terminal rollout: its failed rollback steps are retried, its traffic checked again.
      let after = before;
      if (before) {
        const hooks = [];
        let state = before;
        for (const provider of options.providers ?? []) {
          const retried = await provider.retry(spec, state, record, ctx);
          hooks.push(...retried.results);
          state = retried.state;
        }
        if (hooks.length > 0 || state !== before) {
          await store.save(state);
          after = state;
          record = { ...record, hooks };
        }
      }
      return { ok: true, record, before, after, context: verdict.context };
    }

    if (verdict.incident) {
      const note = await store.writeIncident(spec, record, before, (dir) => resolveIn(options.root, dir));
      if (note) record = { ...record, notes: [...record.notes, note] };
    }
    let decided: Decided = { record, next };
    let events = verdict.events;
    let ifFails = verdict.ifFails;
    for (const provider of options.providers ?? []) {
      const decision = decided.record.decision;
      decided = await provider.apply({ spec, events, decided, ifFails, nowMs: options.nowMs, ...ctx });
      // A provider that kept the phase (routing could not move the traffic) calls off what the
      // promotion would have set off: the later providers (the hooks) see a hold.
      if (decided.record.decision !== decision) [events, ifFails] = [[], null];
    }
    ({ record, next } = decided);
    if (recovered) record = { ...record, notes: [...record.notes, recovered] };
    const journaled = record;
    const { whileCommitting } = options;
    const committed = await store.commit(next, journaled, whileCommitting && (() => whileCommitting(journaled)));
    if (committed.repaired) record = { ...record, notes: [...record.notes, committed.repaired] };
    if (operation.kind === 'action') {
      // Audited once applied: the audit log never lists an action that did not happen. A crash
      // before this line is repaired by the next locked operation (the store's recover()).
      faultPoint('before-audit');
      await store.audit({
        schema_version: 1, request_id: `rollgate-action-${options.nowMs}`, action: operation.action, actor: operation.who.actor, reason: operation.who.reason,
        status: 'accepted', timestamp_unix_ms: options.nowMs, control_mode: next.pause ? 'paused' : 'running', rollout: spec.name,
      });
    }
    return { ok: true, record, before, after: next, context: verdict.context };
  } finally {
    await lock?.release();
  }
}

/** The engine's part: a check, or a manual action with what the edge read. */
function decideOperation(spec: Spec, operation: Operation, before: RolloutState | null, obs: Observations, nowMs: number): Verdict | { ok: false; message: string } {
  if (operation.kind === 'check') {
    const result = check(spec, before, obs, nowMs, { dryRun: operation.dryRun, trace: operation.trace });
    return {
      ok: true, decided: { record: result.record, next: result.next }, events: result.hooks, ifFails: result.ifHooksFail,
      changed: result.changed, context: result.context, incident: result.record.decision === 'rollback',
    };
  }
  const context = checkContext(spec, before, obs, nowMs);
  const cursors = Object.fromEntries(Object.entries(obs.surfaces).map(([name, seen]) => [name, seen.events.cursor]));
  const result = applyAction(spec, before, operation.action, operation.who, nowMs, summarize(context.surfaces), { unknownWindows: context.unknownWindows, cursors });
  if (!result.ok) return result;
  return {
    ok: true, decided: { record: result.record, next: phaseEntryAt(result.next, obs, nowMs) }, events: result.hooks, ifFails: result.ifHooksFail,
    changed: true, context, incident: operation.action === 'abort',
  };
}
