/** The traffic split a rollout should have, from the state a decision leaves (pure). */
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import type { Weights } from './router.js';

/**
 * Canary = the traffic of the phase the rollout is in after the check, stable = the rest;
 * a rolled-back rollout sends the canary nothing, a complete one everything.
 */
export function desiredWeights(spec: Spec, state: RolloutState): Weights {
  if (state.status === 'rolled_back') return { canary: 0, stable: 100 };
  if (state.status === 'complete') return { canary: 100, stable: 0 };
  const phase = spec.phases.find((p) => p.name === state.phase.name) ?? spec.phases[state.phase.index] ?? spec.phases[0]!;
  return { canary: phase.traffic, stable: 100 - phase.traffic };
}

export const sameWeights = (a: Weights, b: Weights): boolean => a.canary === b.canary && a.stable === b.stable;

export const splitText = (w: Weights): string => `canary ${w.canary}% / stable ${w.stable}%`;
