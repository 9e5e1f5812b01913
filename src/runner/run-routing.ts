/**
 * `rollgate routing`: the weights a rollout's balancer has now and the ones its phase wants, or
 * a weight set by hand, under the rollout's lock and audited like `control`.
 */
import type { RolloutState } from '../engine/state.js';
import { desiredWeights } from '../routing/desired-weights.js';
import { openRouter } from '../routing/open-router.js';
import type { Router, Weights } from '../routing/router.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';

export interface RoutingStanding {
  provider: Router['provider'];
  target: string;
  /** What the balancer has now; null when it cannot say (`error` says why, or a command without `read`). */
  actual: Weights | null;
  /** What the rollout's phase wants; null before its first check. */
  desired: Weights | null;
  phase: string | null;
  error: string | null;
}

export type RoutingRun = { ok: true; standing: RoutingStanding; set: Weights | null } | { ok: false; message: string };

export async function runRouting(spec: Spec, options: { root: string; store: string; nowMs: number; set?: { canary: number; actor: string; reason: string } }): Promise<RoutingRun> {
  const router = openRouter(spec, options.root);
  if (!router) return { ok: false, message: `${spec.file} has no \`routing:\`, so rollgate moves no traffic for it (only its hooks do)` };
  const store = openStore(options.store, spec.name);
  try {
    if (!options.set) return { ok: true, standing: await standing(spec, router, await store.load()), set: null };
    const weights = { canary: options.set.canary, stable: 100 - options.set.canary };
    const lock = await store.lock();
    try {
      const state = await store.load();
      const done = await router.set(weights);
      if (!done.ok) return { ok: false, message: `could not set canary ${weights.canary}% on ${router.target}: ${done.error}` };
      await store.audit({
        schema_version: 1, request_id: `rollgate-routing-${options.nowMs}`, action: `routing --set ${weights.canary}`, actor: options.set.actor, reason: options.set.reason,
        status: 'accepted', timestamp_unix_ms: options.nowMs, control_mode: state?.pause ? 'paused' : 'running', rollout: spec.name,
      });
      return { ok: true, standing: await standing(spec, router, state), set: weights };
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
  }
}

async function standing(spec: Spec, router: Router, state: RolloutState | null): Promise<RoutingStanding> {
  const read = await router.read();
  return {
    provider: router.provider, target: router.target,
    actual: read.ok ? read.value : null,
    desired: state ? desiredWeights(spec, state) : null,
    phase: state?.phase.name ?? null,
    error: read.ok ? null : read.error,
  };
}
