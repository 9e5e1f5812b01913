/**
 * Spec object literals for the metric source tests: a two-phase rollout `web` (canary 10%,
 * general-availability 100%) with the given metrics and nothing else, and the few metric
 * shapes the tests vary.
 */
import type { RolloutState } from '../../src/engine/state.js';
import type { HttpSource, MetricSpec, PhaseSpec, PrometheusSource, Spec } from '../../src/spec/types.js';

const phase = (name: string, index: number, traffic: number): PhaseSpec => ({
  name, index, description: null, traffic, soakMs: 600_000, minChecks: 1, inherit: false, gates: [],
});

export function specWith(metrics: MetricSpec[], name = 'web'): Spec {
  return {
    apiVersion: 'rollgate/v1', name, description: null, owner: null, labels: {}, file: 'rollout.yaml', digest: 'sha256:test',
    surfaces: [], inputs: [], metrics, schedule: null, promotionWindow: null, health: null,
    phases: [phase('canary', 0, 10), phase('general-availability', 1, 100)],
    triggers: [], hooks: { promote: [], rollback: [], complete: [] }, routing: null,
  };
}

export function promMetric(name: string, address: string, query: string, more: Partial<PrometheusSource> & { timeoutMs?: number } = {}): MetricSpec {
  const { timeoutMs = 5_000, ...source } = more;
  return { name, description: null, timeoutMs, onNoData: 'hold', source: { kind: 'prometheus', address, query, reduce: null, headers: {}, bearerToken: null, ...source } };
}

export function httpMetric(name: string, url: string, pointer: string, more: Partial<HttpSource> & { timeoutMs?: number } = {}): MetricSpec {
  const { timeoutMs = 5_000, ...source } = more;
  return { name, description: null, timeoutMs, onNoData: 'hold', source: { kind: 'http', url, pointer, headers: {}, bearerToken: null, ...source } };
}

/** Just enough remembered state to say which phase the rollout is in. */
export function inPhase(name: string, index: number): RolloutState {
  return { phase: { name, index } } as unknown as RolloutState;
}
