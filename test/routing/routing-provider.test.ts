/**
 * The routing provider in the edge loop (runner/operate.ts), decision by decision: the weights
 * read back and set while they differ; what a check becomes when they cannot be set. The router
 * here is an in-memory balancer behind the Router interface (its failures scripted); the real
 * HAProxy, nginx and commands are tested in the *-router tests beside this one.
 */
import { describe, expect, it } from 'vitest';
import type { HookEvent } from '../../src/spec/types.js';
import type { TrafficProvider } from '../../src/routing/provider.js';
import type { Router, Weights } from '../../src/routing/router.js';
import { routingProvider } from '../../src/routing/routing-provider.js';
import { operate, type Operated } from '../../src/runner/operate.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { memoryStore } from '../../src/store/memory-store.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;

const spec = loadSpecText(`apiVersion: rollgate/v1
kind: Rollout
metadata: { name: web }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
phases:
  - { name: canary-1, traffic: 5, soak: 10m, gates: [ { name: ok, rule: { "==": [ { var: inputs.verdict.ok }, true ] } } ] }
  - { name: canary-2, traffic: 25, soak: 10m }
  - { name: general-availability, traffic: 100 }
inputs:
  verdict: { file: verdict.json }
triggers:
  - { name: bad, when: { "==": [ { var: inputs.verdict.bad }, true ] }, action: rollback }
routing:
  command: { run: [ set-weights, "{{canary}}" ] }
`, 'web.yaml').spec!;

/** A balancer in memory: what it holds, what it was asked, and failures to answer with. */
class Balancer implements Router {
  readonly provider = 'command' as const;
  readonly target = 'the test balancer';
  weights: Weights | null = { canary: 50, stable: 50 };
  sets: number[] = [];
  failSet: string | null = null;
  failRead: string | null = null;
  async read() {
    return this.failRead !== null ? { ok: false as const, error: this.failRead } : { ok: true as const, value: this.weights };
  }
  async set(w: Weights) {
    this.sets.push(w.canary);
    if (this.failSet !== null) return { ok: false as const, error: this.failSet };
    this.weights = { ...w };
    return { ok: true as const, value: undefined };
  }
}

/** Records the events the providers after routing were asked to carry out (the hooks). */
function eventLog(): TrafficProvider & { events: HookEvent[][] } {
  const events: HookEvent[][] = [];
  return {
    name: 'events', events,
    apply: async ({ events: e, decided }) => { events.push([...e]); return decided; },
    retry: async (_s, state) => ({ results: [], state }),
  };
}

function rollout() {
  const balancer = new Balancer();
  const hooks = eventLog();
  const store = memoryStore('web');
  let verdict: Record<string, unknown> = { ok: true, bad: false };
  const at = async (minutes: number, dryRun = false): Promise<Extract<Operated, { ok: true }>> => {
    const sources = [{ name: 'verdict', observe: (_r: unknown, into: { inputs: Record<string, unknown> }) => { into.inputs.verdict = { status: 'loaded', file: 'verdict.json', value: verdict }; } }];
    const done = await operate(spec, { kind: 'check', dryRun }, { store, root: '/nonexistent', nowMs: T0 + minutes * MIN, sources: sources as never, providers: [routingProvider(balancer), hooks] });
    if (!done.ok) throw new Error(done.message);
    return done;
  };
  const action = async (minutes: number, a: 'abort' | 'promote') => {
    const done = await operate(spec, { kind: 'action', action: a, who: { actor: 'ann', reason: 'test' } }, { store, root: '/nonexistent', nowMs: T0 + minutes * MIN, sources: [], providers: [routingProvider(balancer), hooks] });
    if (!done.ok) throw new Error(done.message);
    return done;
  };
  return { balancer, hooks, store, at, action, setVerdict: (v: Record<string, unknown>) => { verdict = v; } };
}

describe('routing at every check', () => {
  it('sets the phase weight, leaves it alone while it holds, and moves it on promote', async () => {
    const r = rollout();
    const first = await r.at(0);
    expect(first.record.routing).toEqual({ provider: 'command', target: 'the test balancer', desired: { canary: 5, stable: 95 }, actual: { canary: 50, stable: 50 }, applied: true, error: null });
    const second = await r.at(5);
    expect(second.record.routing).toMatchObject({ actual: { canary: 5, stable: 95 }, applied: false });
    expect(r.balancer.sets).toEqual([5]);
    const promoted = await r.at(10);
    expect(promoted.record.decision).toBe('promote');
    expect(promoted.record.routing).toMatchObject({ desired: { canary: 25, stable: 75 }, applied: true });
    expect(r.balancer.sets).toEqual([5, 25]);
    expect(r.hooks.events.at(-1)).toEqual(['promote']);
  });

  it('weights changed behind its back (a balancer restart) are set back at the next check, and it says so', async () => {
    const r = rollout();
    await r.at(0);
    r.balancer.weights = { canary: 50, stable: 50 };
    const healed = await r.at(5);
    expect(healed.record.decision).toBe('wait');
    expect(healed.record.notes).toContain("routing: the test balancer had canary 50% / stable 50%, not the phase's canary 5% / stable 95%; set it back");
    expect(r.balancer.weights).toEqual({ canary: 5, stable: 95 });
  });

  it('a promote whose weight cannot be set keeps the phase and runs no promote hook', async () => {
    const r = rollout();
    await r.at(0);
    r.balancer.failSet = 'connection refused';
    const kept = await r.at(10);
    expect(kept.record).toMatchObject({ decision: 'hold', phase: { name: 'canary-1' } });
    expect(kept.record.reasons[0]).toBe('routing: could not set canary 25% / stable 75% on the test balancer: connection refused; so the phase is kept');
    expect(kept.after!.phase.name).toBe('canary-1');
    expect(r.hooks.events.at(-1)).toEqual([]);
    r.balancer.failSet = null;
    const retried = await r.at(15);
    expect(retried.record).toMatchObject({ decision: 'promote', phase: { name: 'canary-2' } });
  });

  it('a wait whose weight cannot be kept holds and restarts the soak: nothing measured at the wrong traffic counts', async () => {
    const r = rollout();
    await r.at(0);
    r.balancer.weights = { canary: 50, stable: 50 };
    r.balancer.failSet = 'HAProxy is down';
    const held = await r.at(5);
    expect(held.record.decision).toBe('hold');
    expect(held.record.reasons[0]).toMatch(/^routing: could not set canary 5% \/ stable 95% on the test balancer: HAProxy is down; so the check holds and the soak starts again$/);
    expect(held.after!.phase.soak_start_unix_ms).toBe(T0 + 5 * MIN);
    r.balancer.failSet = null;
    expect((await r.at(10)).record.decision).toBe('wait');
    expect((await r.at(15)).record.decision).toBe('promote');
  });

  it('a rollback sets the canary to 0 before the rollback hooks; if it cannot, it still rolls back and a later check sets it', async () => {
    const r = rollout();
    await r.at(0);
    r.setVerdict({ ok: true, bad: true });
    r.balancer.failSet = 'timeout';
    const rolled = await r.at(5);
    expect(rolled.record.decision).toBe('rollback');
    expect(rolled.record.reasons.at(-1)).toBe('routing: could not set canary 0% / stable 100% on the test balancer: timeout; it is tried again at every check');
    expect(r.hooks.events.at(-1)).toEqual(['rollback']);
    r.balancer.failSet = null;
    const later = await r.at(10);
    expect(later.record.hooks).toEqual([{ event: 'routing', hook: 'the test balancer', ok: true, message: 'set canary 0% / stable 100% (it had canary 5% / stable 95%)' }]);
    expect(r.balancer.weights).toEqual({ canary: 0, stable: 100 });
    const quiet = await r.at(15);
    expect(quiet.record.hooks).toEqual([]);
  });

  it('a manual abort sends the canary nothing; a manual promote moves it', async () => {
    const r = rollout();
    await r.at(0);
    await r.action(1, 'promote');
    expect(r.balancer.weights).toEqual({ canary: 25, stable: 75 });
    await r.action(2, 'abort');
    expect(r.balancer.weights).toEqual({ canary: 0, stable: 100 });
  });

  it('a dry run reads and reports, and sets nothing', async () => {
    const r = rollout();
    const dry = await r.at(0, true);
    expect(dry.record.routing).toEqual({ provider: 'command', target: 'the test balancer', desired: { canary: 5, stable: 95 }, actual: { canary: 50, stable: 50 }, applied: false, error: null });
    expect(r.balancer.sets).toEqual([]);
    r.balancer.failRead = 'no such socket';
    expect((await r.at(0, true)).record.routing).toMatchObject({ actual: null, error: 'no such socket', applied: false });
  });

  it('weights that cannot be read are set anyway, and the record says it could not read them', async () => {
    const r = rollout();
    r.balancer.failRead = 'garbled answer';
    const first = await r.at(0);
    expect(first.record.routing).toMatchObject({ actual: null, applied: true, error: 'garbled answer' });
    expect(first.record.notes).toContain('routing: could not read the weights of the test balancer (garbled answer); set canary 5% / stable 95%');
  });
});
