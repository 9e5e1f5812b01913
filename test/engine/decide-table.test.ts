/**
 * decide() (DESIGN §4 steps 4-7) as one generated table, the way argo-rollouts tests its assess
 * functions: every combination of the facts that can decide a check, each row's expected
 * outcome computed by `expectedOf` (an independent statement of the precedence, written from
 * DESIGN §4, not by calling the code), then a sample of real checks that must agree with it.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/engine/check.js';
import { decide, type DecideInput } from '../../src/engine/decide.js';
import { emptyTally } from '../../src/engine/log-tally.js';
import type { Observations } from '../../src/engine/observations.js';
import type { GateResult, TriggerResult } from '../../src/engine/record.js';
import { reasonsOf } from '../../src/engine/sentences.js';
import type { Decision, RolloutState } from '../../src/engine/state.js';
import { parseControlState } from '../../src/observe/control-state.js';
import { parseState } from '../../src/observe/state-file.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { windowStatus } from '../../src/time/promotion-window.js';
import type { Spec } from '../../src/spec/types.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;
const SOAK = 30 * MIN;
const MIN_CHECKS = 3;
const NEXT_OPEN = Date.parse('2026-02-17T08:00:00Z');

function specOf(extra = ''): Spec {
  const r = loadSpecText(`
apiVersion: rollgate/v1
kind: Rollout
metadata: { name: decide-table }
surfaces:
  web: { stateDir: .tau/web, staleAfter: 15m }
  api: { stateDir: .tau/api, staleAfter: 15m }
phases:
  - name: canary
    traffic: 10
    soak: 30m
    minChecks: 3
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: queue, each: surfaces, rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] } }
  - name: ga
    traffic: 100
    soak: 20m
    inherit: true
triggers:
  - { name: regress, each: surfaces, when: { ">": [ { var: surface.health.failure_streak }, 0 ] }, consecutive: 2, action: rollback }
  - { name: backlog, each: [ web ], when: { ">=": [ { var: surface.health.queue_depth }, 5 ] }, action: hold }
  - { name: new-failures, each: surfaces, when: { ">": [ { var: surface.events.phase.case_processing_failed }, 0 ] }, action: rollback }
${extra}`, 'decide-table.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

const WINDOW = 'promotionWindow: { cron: "* 9-16 * * 1-5", timezone: Europe/Berlin }';
const spec = specOf(WINDOW);
const [canary, ga] = spec.phases as [Spec['phases'][0], Spec['phases'][0]];

// ---------------------------------------------------------------------------------------------
// The table: every combination of the facts.

const yn = [false, true] as const;
interface Row {
  rollbackFired: boolean;
  holdFired: boolean;
  triggerError: boolean;
  operatorPause: boolean;
  pausedSurface: boolean;
  gate: 'none' | 'fail' | 'error';
  /** The soak held so far: a minute short of `soak`, or exactly `soak`. */
  soakHeld: 'short' | 'full';
  /** Passing checks after this one, if it passes: one short of minChecks, or minChecks. */
  passing: 'below' | 'at';
  last: boolean;
  window: 'none' | 'open' | 'closed';
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const rollbackFired of yn) for (const holdFired of yn) for (const triggerError of yn)
    for (const operatorPause of yn) for (const pausedSurface of yn)
      for (const gate of ['none', 'fail', 'error'] as const) for (const soakHeld of ['short', 'full'] as const)
        for (const passing of ['below', 'at'] as const) for (const last of yn)
          for (const window of ['none', 'open', 'closed'] as const)
            out.push({ rollbackFired, holdFired, triggerError, operatorPause, pausedSurface, gate, soakHeld, passing, last, window });
  return out;
}

const label = (r: Row) => [
  r.rollbackFired && 'rollback-trigger', r.holdFired && 'hold-trigger', r.triggerError && 'trigger-error',
  r.operatorPause && 'operator-pause', r.pausedSurface && 'paused-surface', r.gate !== 'none' && `gate-${r.gate}`,
  `soak-${r.soakHeld}`, `checks-${r.passing}`, r.last ? 'last-phase' : 'not-last', `window-${r.window}`,
].filter(Boolean).join(' ');

// Results as triggers.ts and gates.ts make them.
const trigger = (name: string, action: 'rollback' | 'hold', matched: boolean | null, fired: boolean, streak = fired ? 1 : 0, consecutive = 1): TriggerResult =>
  ({ name, surface: name === 'rb-trigger' ? 'web' : null, matched, streak, consecutive, fired, action, severity: 'high', message: matched === null ? `error: ${name} broke; the streak stays at 0` : `${name} matched`, trace: [], source: null });
const gate = (name: string, result: GateResult['result']): GateResult =>
  ({ name, phase: 'canary', surface: null, result, message: result === 'error' ? `cannot be evaluated: ${name} has no data` : `${name} is ${result}`, trace: [], source: null });

const PASSING_BEFORE = { below: MIN_CHECKS - 2, at: MIN_CHECKS - 1 };

function inputOf(r: Row, asked: { window: number }): DecideInput {
  return {
    triggers: [
      trigger('quiet-trigger', 'rollback', false, false),
      trigger('streaking-trigger', 'rollback', true, false, 1, 2), // matched, but its streak is short of `consecutive`
      ...(r.rollbackFired ? [trigger('rb-trigger', 'rollback', true, true, 2, 2)] : []),
      ...(r.holdFired ? [trigger('hold-trigger', 'hold', true, true)] : []),
      ...(r.triggerError ? [trigger('err-trigger', 'hold', null, false)] : []),
    ],
    pause: r.operatorPause ? { actor: 'alice', reason: 'waiting for the DB migration', since_unix_ms: T0 } : null,
    pausedSurfaces: r.pausedSurface ? [{ name: 'paused-surface', note: null }] : [],
    gates: [gate('ok-gate', 'pass'), ...(r.gate === 'none' ? [] : [gate('bad-gate', r.gate)]), gate('ok-gate', 'pass')],
    soak: { heldMs: r.soakHeld === 'full' ? SOAK : SOAK - MIN, requiredMs: SOAK, passingBefore: PASSING_BEFORE[r.passing], minChecks: MIN_CHECKS },
    last: r.last,
    window: () => {
      asked.window++;
      return r.window === 'none' ? null : r.window === 'open' ? { open: true, next_open_unix_ms: null } : { open: false, next_open_unix_ms: NEXT_OPEN };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The expected outcome, from DESIGN §4 (not from decide.ts):
//   step 4  a fired `rollback` trigger => rollback. A fired `hold` trigger => hold. A trigger
//           that errors => at least hold. (A trigger hold restarts the soak: state.ts, soak_start
//           is "the last check at which the phase held (a gate failed, a trigger held)".)
//   step 5  a manual pause, or a surface whose control state is paused => hold.
//   step 6  any gate `fail` or `error` => hold, and the soak clock restarts at this check.
//   step 7  all pass: soaked when held >= soak and at least minChecks checks passed (this one
//           included); soaked and inside the promotion window (if any) => promote, or complete
//           from the last phase; otherwise wait.
// Reasons name every fact that decided, and a rollback names only its triggers.

interface Expected {
  decision: Decision;
  restartSoak: boolean;
  passing: number;
  /** Facts the reasons must name; every other name in the row must not appear. */
  named: string[];
  /** Words of the step-7 reason, when step 7 decided. */
  says: string | null;
  windowAsked: boolean;
}

function expectedOf(r: Row): Expected {
  const before = PASSING_BEFORE[r.passing];
  const gateFails = r.gate !== 'none';
  const gateNames = gateFails ? ['bad-gate'] : [];
  if (r.rollbackFired) return { decision: 'rollback', restartSoak: false, passing: before, named: ['rb-trigger'], says: null, windowAsked: false };
  if (r.holdFired || r.triggerError) {
    const named = [...(r.holdFired ? ['hold-trigger'] : []), ...(r.triggerError ? ['err-trigger'] : []), ...gateNames];
    return { decision: 'hold', restartSoak: true, passing: 0, named, says: null, windowAsked: false };
  }
  if (r.operatorPause || r.pausedSurface) {
    const named = [...(r.operatorPause ? ['alice'] : []), ...(r.pausedSurface ? ['paused-surface'] : []), ...gateNames];
    return { decision: 'hold', restartSoak: gateFails, passing: gateFails ? 0 : before, named, says: null, windowAsked: false };
  }
  if (gateFails) return { decision: 'hold', restartSoak: true, passing: 0, named: gateNames, says: null, windowAsked: false };
  const passing = before + 1;
  const soaked = r.soakHeld === 'full' && passing >= MIN_CHECKS;
  if (!soaked) return { decision: 'wait', restartSoak: false, passing, named: [], says: 'soaking canary', windowAsked: false };
  if (r.window === 'closed') return { decision: 'wait', restartSoak: false, passing, named: [], says: 'outside the promotion window', windowAsked: true };
  return r.last
    ? { decision: 'complete', restartSoak: false, passing, named: [], says: 'the rollout is complete', windowAsked: true }
    : { decision: 'promote', restartSoak: false, passing, named: [], says: 'promoting to ga (100%)', windowAsked: true };
}

const NAMES = ['rb-trigger', 'hold-trigger', 'err-trigger', 'quiet-trigger', 'streaking-trigger', 'alice', 'paused-surface', 'bad-gate', 'ok-gate'];

describe('decide(): the precedence of trigger, pause, gate, soak and window', () => {
  const table = rows();

  it('covers every combination, and every decision', () => {
    expect(table).toHaveLength(2 * 2 * 2 * 2 * 2 * 3 * 2 * 2 * 2 * 3);
    expect(new Set(table.map((r) => expectedOf(r).decision))).toEqual(new Set(['rollback', 'hold', 'wait', 'promote', 'complete']));
  });

  it.each(table.map((r) => [label(r), r] as const))('%s', (_label, r) => {
    const asked = { window: 0 };
    const verdict = decide(inputOf(r, asked));
    const want = expectedOf(r);
    expect({ decision: verdict.decision, restartSoak: verdict.restartSoak, passing: verdict.passing }).toEqual({ decision: want.decision, restartSoak: want.restartSoak, passing: want.passing });
    expect(asked.window > 0, 'the window is asked only once the phase has soaked').toBe(want.windowAsked);

    const reasons = reasonsOf(verdict, { phase: canary, nextPhase: r.last ? undefined : ga, window: spec.promotionWindow });
    const text = reasons.join('\n');
    expect(reasons.length).toBeGreaterThan(0);
    for (const name of NAMES) expect(text.includes(name), `reasons ${want.named.includes(name) ? 'name' : 'do not name'} ${name}:\n${text}`).toBe(want.named.includes(name));
    if (want.says) expect(text).toContain(want.says);
    if (r.rollbackFired) expect(text).toContain('action rollback');
    if (want.says === 'outside the promotion window') expect(text).toContain('it next opens at 2026-02-17T08:00:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
// check() over real observations agrees with the table's statement of the precedence.

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

describe('check() decides as decide() does, over real engine inputs', () => {
  it.each([['no promotion window', specOf()], ['a promotion window', spec]] as const)('%s', (_what, s) => {
    const seen = new Map<Decision, number>();
    for (let walk = 0; walk < 60; walk++) {
      let state: RolloutState | null = null;
      const tallies: Record<string, ReturnType<typeof emptyTally>> = {};
      let now = T0 + Math.floor(rnd() * 24 * 60) * MIN;
      for (let step = 0; step < 25 && !(state && (state.status === 'rolled_back' || state.status === 'complete')); step++) {
        now += pick([1, 5, 10, 15, 45]) * MIN;
        const obs: Observations = { surfaces: {}, inputs: {} };
        for (const name of ['web', 'api']) {
          const tally = (tallies[name] ??= emptyTally());
          tally.cycles++;
          const code = rnd() < 0.01 ? 'case_processing_failed' : 'healthy_cycle';
          tally.codes[code] = (tally.codes[code] ?? 0) + 1;
          const health = { ...(rnd() < 0.04 ? { failure_streak: 1 } : {}), ...(rnd() < 0.1 ? { queue_depth: pick([2, 6]) } : {}) };
          const text = rnd() < 0.03 ? null : JSON.stringify({ schema_version: 1, commands: [], health: { updated_unix_ms: now - MIN, ...health } });
          obs.surfaces[name] = {
            state: text === null ? { present: false, reason: 'state.json does not exist' } : parseState(text),
            control: parseControlState(rnd() < 0.05 ? pick(['{"mode":"paused"}', '{"mode":"sideways"}']) : null),
            events: { present: true, cursor: { version: 1, position: null, tally: structuredClone(tally) }, notes: [] },
          };
        }
        if (state && rnd() < 0.05) state = { ...state, pause: state.pause ? null : { actor: 'bob', reason: 'a look', since_unix_ms: now - MIN } };
        const before: RolloutState | null = state;
        const result = check(s, before, obs, now, { dryRun: false });
        const phase = s.phases.find((p) => p.name === (before?.phase.name ?? s.phases[0]!.name))!;
        const start = before?.phase.soak_start_unix_ms ?? now;
        const passingBefore = before?.phase.passing_checks ?? 0;
        // The facts, read back from the record and the state before: what decide() is given.
        const verdict = decide({
          triggers: result.record.triggers,
          pause: before?.pause ?? null,
          pausedSurfaces: Object.entries(result.record.surfaces).filter(([, x]) => x.paused)
            .map(([name]) => ({ name, note: obs.surfaces[name]!.control.mode === 'unknown' ? obs.surfaces[name]!.control.note : null })),
          gates: result.record.gates,
          soak: { heldMs: now - start, requiredMs: phase.soakMs, passingBefore, minChecks: phase.minChecks },
          last: phase.index === s.phases.length - 1,
          window: () => (s.promotionWindow ? windowStatus(s.promotionWindow, now) : null),
        });
        expect(result.record.decision).toBe(verdict.decision);
        expect(result.record.reasons).toEqual(reasonsOf(verdict, { phase, nextPhase: s.phases[phase.index + 1], window: s.promotionWindow }));
        if (verdict.decision !== 'promote') {
          expect(result.next.phase.passing_checks).toBe(verdict.passing);
          expect(result.next.phase.soak_start_unix_ms).toBe(verdict.restartSoak ? now : start);
        }
        seen.set(verdict.decision, (seen.get(verdict.decision) ?? 0) + 1);
        state = result.next;
      }
    }
    // The sample reaches every decision but a rare one; it must at least hold, wait and promote.
    for (const d of ['hold', 'wait', 'promote'] as const) expect(seen.get(d) ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
  });
});
