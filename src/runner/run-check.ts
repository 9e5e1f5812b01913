/** One check with the file store and the hooks, as `rollgate evaluate` and the scheduler run it. */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { hooksProvider } from '../routing/hooks-provider.js';
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
}

export interface CheckRun {
  record: DecisionRecord;
  /** The state before the check (for status displays). */
  before: RolloutState | null;
}

export async function runCheck(spec: Spec, options: RunCheckOptions): Promise<CheckRun> {
  const store = openStore(options.store, spec.name);
  let done;
  try {
    done = await operate(spec, { kind: 'check', dryRun: options.dryRun }, { store, root: options.root, nowMs: options.nowMs, inputFiles: options.inputFiles, providers: [hooksProvider] });
  } finally {
    await store.close();
  }
  if (!done.ok) throw new Error(done.message); // a check is never refused
  return { record: done.record, before: done.before };
}
