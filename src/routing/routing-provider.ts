/**
 * `routing:` as a traffic provider: at every check, the weights the balancer has are read back
 * and compared with the ones the decision wants (routing/desired-weights.ts); while they differ
 * they are set. When they cannot be set the check does not go ahead on traffic it does not
 * control: a promote or complete keeps its phase, a wait holds (its soak starts again), a hold
 * or a rollback stays what it is and says so; a terminal rollout is set again at every check.
 * It runs before the hooks, so a rollback's weight is 0 before its rollback hooks run.
 */
import type { RoutingEvidence } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { desiredWeights, sameWeights, splitText } from './desired-weights.js';
import type { Decided, TrafficProvider } from './provider.js';
import type { Router, Weights } from './router.js';

export function routingProvider(router: Router): TrafficProvider {
  const evidence = (desired: Weights, actual: Weights | null, applied: boolean, error: string | null): RoutingEvidence =>
    ({ provider: router.provider, target: router.target, desired, actual, applied, error });
  const withRouting = ({ record, next }: Decided, routing: RoutingEvidence, notes: string[] = []): Decided =>
    ({ record: { ...record, notes: [...record.notes, ...notes], routing }, next });

  /** Reads, and sets while different; what was found, and why setting failed (null: it did not). */
  async function reconcile(desired: Weights): Promise<{ actual: Weights | null; applied: boolean; readError: string | null; setError: string | null }> {
    const read = await router.read();
    const actual = read.ok ? read.value : null;
    if (actual !== null && sameWeights(actual, desired)) return { actual, applied: false, readError: null, setError: null };
    const set = await router.set(desired);
    return { actual, applied: set.ok, readError: read.ok ? null : read.error, setError: set.ok ? null : set.error };
  }

  return {
    name: `routing (${router.provider})`,

    async apply({ spec, decided, ifFails }): Promise<Decided> {
      const desired = desiredWeights(spec, decided.next);
      const { actual, applied, readError, setError } = await reconcile(desired);
      if (setError === null) {
        const notes: string[] = [];
        // A check that moves the traffic (or the rollout's first) sets it; any other found it changed behind its back.
        const moving = decided.record.check === 1 || decided.record.decision === 'promote' || decided.record.decision === 'complete' || decided.record.decision === 'rollback';
        if (applied && !moving && actual !== null) notes.push(`routing: ${router.target} had ${splitText(actual)}, not the phase's ${splitText(desired)}; set it back`);
        if (applied && readError !== null) notes.push(`routing: could not read the weights of ${router.target} (${readError}); set ${splitText(desired)}`);
        return withRouting(decided, evidence(desired, actual, applied, readError), notes);
      }
      const why = `routing: could not set ${splitText(desired)} on ${router.target}: ${setError}`;
      if (ifFails) {
        const kept = decided.record.decision === 'wait' ? 'so the check holds and the soak starts again' : 'so the phase is kept';
        const record = { ...ifFails.record, notes: decided.record.notes, reasons: [`${why}; ${kept}`, ...ifFails.record.reasons] };
        return withRouting({ record, next: ifFails.next }, evidence(desired, actual, false, setError));
      }
      const record = { ...decided.record, reasons: [...decided.record.reasons, `${why}; it is tried again at every check`] };
      return withRouting({ record, next: decided.next }, evidence(desired, actual, false, setError));
    },

    async retry(spec: Spec, state: RolloutState) {
      const desired = desiredWeights(spec, state);
      const { actual, applied, setError } = await reconcile(desired);
      if (!applied && setError === null) return { results: [], state };
      const message = setError !== null
        ? `could not set ${splitText(desired)}: ${setError}; tried again at the next check`
        : `set ${splitText(desired)}${actual ? ` (it had ${splitText(actual)})` : ''}`;
      return { results: [{ event: 'routing', hook: router.target, ok: setError === null, message }], state };
    },

    async inspect(spec: Spec, decided: Decided): Promise<Decided> {
      const desired = desiredWeights(spec, decided.next);
      const read = await router.read();
      return withRouting(decided, evidence(desired, read.ok ? read.value : null, false, read.ok ? null : read.error));
    },
  };
}
