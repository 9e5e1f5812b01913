/** A manual action with the file store and the hooks, as `rollgate control` and the dashboard apply it. */
import { userInfo } from 'node:os';
import type { ManualAction } from '../engine/manual-action.js';
import type { DecisionRecord } from '../engine/record.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { trafficProviders } from '../routing/traffic-providers.js';
import { operate } from './operate.js';

export interface ControlOptions {
  root: string;
  store: string;
  nowMs: number;
  actor?: string;
  reason: string;
}

export type ControlRun = { ok: false; message: string } | { ok: true; record: DecisionRecord };

export function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export async function runControl(spec: Spec, action: ManualAction, options: ControlOptions): Promise<ControlRun> {
  const store = openStore(options.store, spec.name);
  let done;
  try {
    done = await operate(spec, { kind: 'action', action, who: { actor: options.actor ?? defaultActor(), reason: options.reason } }, { store, root: options.root, nowMs: options.nowMs, providers: trafficProviders(spec, options.root) });
  } finally {
    await store.close();
  }
  return done.ok ? { ok: true, record: done.record } : done;
}
