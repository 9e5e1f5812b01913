/** One check with the file store and the hooks, as `rollgate evaluate` and the scheduler run it. */
import type { Observations } from '../engine/observations.js';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { trafficProviders } from '../routing/traffic-providers.js';
import { isoOf } from '../time/instant.js';
import { operate } from './operate.js';

export interface RunCheckOptions {
  /** Where relative stateDir and input paths resolve. */
  root: string;
  /** The store directory (default `<root>/.rollgate`). */
  store: string;
  nowMs: number;
  dryRun: boolean;
  /** `--input name=file` overrides. */
  inputFiles?: Record<string, string>;
  /** Told what the check read, before it decides. */
  observed?: (obs: Observations) => void;
  /** Given the record while its commit waits on the disk (operate.ts). */
  whileCommitting?: (record: DecisionRecord) => void;
}

export interface CheckRun {
  record: DecisionRecord;
  /** The state before the check (for status displays). */
  before: RolloutState | null;
}

export async function runCheck(spec: Spec, options: RunCheckOptions): Promise<CheckRun> {
  const done = await checkWith(spec, options);
  if (!done.ok) throw new Error(done.message); // a check is never refused
  return { record: done.record, before: done.before };
}

/**
 * The check of one scheduled tick (`run`, `serve --schedule`): skipped when the rollout was
 * already checked at or after the tick, by this evaluator or another one sharing the store. With
 * the lock, that makes every tick checked once in all, by whichever evaluator gets there first.
 */
export async function runTickCheck(spec: Spec, options: Omit<RunCheckOptions, 'dryRun'>, tickMs: number): Promise<CheckRun | { skipped: string }> {
  // Object.assign: a spread adding a key its source lacks is V8's slow path (engine/rule-context.ts).
  const done = await checkWith(spec, Object.assign({}, options, { dryRun: false }), (before) =>
    before?.last_check_unix_ms != null && before.last_check_unix_ms >= tickMs ? `already checked at ${isoOf(before.last_check_unix_ms)}, at or after this tick (${isoOf(tickMs)})` : null);
  if (!done.ok) return { skipped: done.message };
  return { record: done.record, before: done.before };
}

async function checkWith(spec: Spec, options: RunCheckOptions, skipIf?: (before: RolloutState | null) => string | null) {
  const store = openStore(options.store, spec.name);
  try {
    return await operate(spec, { kind: 'check', dryRun: options.dryRun }, { store, root: options.root, nowMs: options.nowMs, inputFiles: options.inputFiles, providers: trafficProviders(spec, options.root), skipIf, observed: options.observed, whileCommitting: options.whileCommitting });
  } finally {
    await store.close();
  }
}
