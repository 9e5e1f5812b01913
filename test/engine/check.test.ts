/** DESIGN §4, rule by rule, as tables of (check time, observations) -> decision. Pure: no disk. */
import { describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/engine/check.js';
import type { Observations } from '../../src/engine/observations.js';
import type { RolloutState } from '../../src/engine/state.js';
import { parseControlState } from '../../src/observe/control-state.js';
import { emptyTally } from '../../src/engine/log-tally.js';
import { parseState } from '../../src/observe/state-file.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';

const T0 = Date.parse('2026-02-16T09:00:00Z'); // Monday 10:00 in Berlin
const MIN = 60_000;

function specOf(extra = '', phases?: string): Spec {
  const text = `
apiVersion: rollgate/v1
kind: Rollout
metadata: { name: table }
surfaces:
  web: { stateDir: .tau/web, staleAfter: 15m }
  api: { stateDir: .tau/api, staleAfter: 15m }
phases:
${phases ?? `  - name: canary
    traffic: 10
    soak: 30m
    minChecks: 2
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: queue, each: surfaces, rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] } }
  - name: ga
    traffic: 100
    soak: 1h
    inherit: true
    gates:
      - { name: web-busy, rule: { ">": [ { var: surfaces.web.events.check.healthy_cycle }, 0 ] } }`}
triggers:
  - { name: regress, each: surfaces, when: { ">": [ { var: surface.health.failure_streak }, 0 ] }, consecutive: 2, action: rollback }
  - { name: backlog, each: [ web ], when: { ">=": [ { var: surface.health.queue_depth }, 5 ] }, action: hold }
  - { name: new-failures, each: surfaces, when: { ">": [ { var: surface.events.phase.case_processing_failed }, 0 ] }, action: rollback }
${extra}`;
  const r = loadSpecText(text, 'table.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

interface SurfaceStep {
  health?: Record<string, number>;
  /** Cycle reports appended since the previous check. */
  events?: string[][];
  state?: string | null;
  paused?: boolean;
  /** Minutes since the snapshot was written. */
  age?: number;
}

/** Keeps each surface's cumulative log tally across checks, as the edge would. */
class Feed {
  private tallies: Record<string, ReturnType<typeof emptyTally>> = {};
  observe(nowMs: number, steps: Record<string, SurfaceStep> = {}): Observations {
    const obs: Observations = { surfaces: {}, inputs: {} };
    for (const name of ['web', 'api']) {
      const s = steps[name] ?? {};
      const tally = (this.tallies[name] ??= emptyTally());
      for (const codes of s.events ?? [['healthy_cycle']]) {
        tally.cycles++;
        for (const c of codes) tally.codes[c] = (tally.codes[c] ?? 0) + 1;
      }
      const text = s.state !== undefined ? s.state : JSON.stringify({ schema_version: 1, commands: [], health: { updated_unix_ms: nowMs - (s.age ?? 1) * MIN, ...s.health } });
      obs.surfaces[name] = {
        state: text === null ? { present: false, reason: 'state.json does not exist' } : parseState(text),
        control: parseControlState(s.paused ? '{"mode":"paused"}' : null),
        events: { present: true, cursor: { version: 1, position: null, tally: structuredClone(tally) }, notes: [] },
      };
    }
    return obs;
  }
}

type Step = [minutes: number, decision: string, surfaces?: Record<string, SurfaceStep>];

function run(spec: Spec, steps: Step[], start: RolloutState | null = null): CheckResult[] {
  const feed = new Feed();
  let state = start;
  const results: CheckResult[] = [];
  for (const [minutes, decision, surfaces] of steps) {
    const now = T0 + minutes * MIN;
    const result = check(spec, state, feed.observe(now, surfaces), now, { dryRun: false });
    expect(result.record.decision, `at +${minutes}m: ${result.record.reasons.join(' | ')}`).toBe(decision);
    results.push(result);
    state = result.next;
  }
  return results;
}

const degraded = { web: { health: { failure_streak: 1 } } };

describe('soak and promotion', () => {
  it('promotes at the soak boundary once minChecks passing checks are in', () => {
    const r = run(specOf(), [[0, 'wait'], [29, 'wait'], [30, 'promote'], [60, 'wait'], [89, 'wait'], [90, 'complete']]);
    expect(r[2]!.record).toMatchObject({ phase: { name: 'ga', traffic: 100 }, previous_phase: { name: 'canary' }, status: 'progressing' });
    expect(r[5]!.record.status).toBe('complete');
  });

  it('minChecks: the soak alone is not enough', () => {
    run(specOf(), [[0, 'wait'], [45, 'promote']]);
    run(specOf('', `  - { name: canary, traffic: 10, soak: 30m, minChecks: 3, gates: [ { name: g, rule: true } ] }
  - { name: ga, traffic: 100 }`), [[0, 'wait'], [40, 'wait'], [41, 'promote']]);
  });

  it('a failing gate holds and restarts the soak clock at that check', () => {
    const r = run(specOf(), [[0, 'wait'], [10, 'hold', { api: { health: { queue_depth: 3 } } }], [20, 'wait'], [39, 'wait'], [40, 'promote']]);
    expect(r[1]!.record.reasons).toEqual(['gate `queue` failed for surface `api`: surface.health.queue_depth = 3, expected <= 1']);
    expect(r[1]!.record.soak).toMatchObject({ held_ms: 0, remaining_ms: 30 * MIN, passing_checks: 0 });
  });

  it('inherited gates still apply in the next phase, and report where they came from', () => {
    const r = run(specOf(), [[0, 'wait'], [30, 'promote'], [40, 'hold', { web: { health: { queue_depth: 2 } } }]]);
    expect(r[2]!.record.gates.map((g) => `${g.phase}/${g.name}/${g.surface}/${g.result}`)).toEqual([
      'canary/healthy/web/pass', 'canary/healthy/api/pass', 'canary/queue/web/fail', 'canary/queue/api/pass', 'ga/web-busy/null/pass',
    ]);
  });

  it('"advancing": a gate on the check window holds when nothing new happened', () => {
    run(specOf(), [[0, 'wait'], [30, 'promote'], [40, 'hold', { web: { events: [] } }], [50, 'wait']]);
  });
});

describe('triggers', () => {
  it('consecutive: 2 fires on the 2nd consecutive matching check; a clean check resets the streak', () => {
    const r = run(specOf(), [[0, 'wait'], [5, 'hold', degraded], [10, 'wait'], [15, 'hold', degraded], [20, 'rollback', degraded]]);
    expect(r[1]!.record.triggers.find((t) => t.name === 'regress' && t.surface === 'web')).toMatchObject({ matched: true, streak: 1, fired: false });
    expect(r[2]!.record.triggers.find((t) => t.name === 'regress' && t.surface === 'web')).toMatchObject({ matched: false, streak: 0 });
    expect(r[4]!.record).toMatchObject({ status: 'rolled_back', rollout_gate: 'hold' });
    expect(r[4]!.hooks).toEqual(['rollback']);
  });

  it('streaks are per surface', () => {
    run(specOf(), [[0, 'wait'], [5, 'hold', degraded], [10, 'hold', { api: { health: { failure_streak: 1 } } }], [15, 'rollback', { api: { health: { failure_streak: 1 } } }]]);
  });

  it('a hold trigger holds (and restarts the soak) without rolling back', () => {
    const r = run(specOf(), [[0, 'wait'], [35, 'hold', { web: { health: { queue_depth: 6 } } }], [40, 'wait']]);
    expect(r[1]!.record.reasons[0]).toBe('trigger `backlog` fired for surface `web`: surface.health.queue_depth = 6, expected >= 5; action hold');
  });

  it('an erroring trigger holds and leaves its streak unchanged', () => {
    const r = run(specOf(), [[0, 'wait'], [5, 'hold', degraded], [10, 'hold', { web: { state: null } }], [15, 'rollback', degraded]]);
    const t = r[2]!.record.triggers.find((x) => x.name === 'regress' && x.surface === 'web')!;
    expect(t).toMatchObject({ matched: null, streak: 1, fired: false });
    expect(t.message).toMatch(/cannot be evaluated: surface `web`: state unavailable: state.json does not exist; the streak stays at 1/);
  });

  it('lines already in the log when the rollout starts are history, not "new"', () => {
    run(specOf(), [[0, 'wait', { web: { events: [['case_processing_failed']] } }], [5, 'wait'], [10, 'rollback', { api: { events: [['case_processing_failed']] } }]]);
  });
});

describe('pause', () => {
  it('a paused surface holds; triggers still roll back while paused', () => {
    run(specOf(), [[0, 'wait'], [5, 'hold', { web: { paused: true } }], [10, 'hold', { web: { paused: true, health: { failure_streak: 1 } } }], [15, 'rollback', { web: { paused: true, health: { failure_streak: 1 } } }]]);
  });

  it('a gate failing while paused restarts the soak: resuming does not promote on time held while failing', () => {
    const queue = { api: { health: { queue_depth: 5 }, paused: true }, web: { paused: true } };
    const r = run(specOf(), [[0, 'wait'], [5, 'hold', queue], [25, 'hold', queue], [26, 'wait'], [54, 'wait'], [55, 'promote']]);
    expect(r[2]!.record.soak).toMatchObject({ held_ms: 0, passing_checks: 0 });
  });

  it('a manual pause holds with who and why, and the status says paused', () => {
    const first = run(specOf(), [[0, 'wait']])[0]!.next;
    const paused: RolloutState = { ...first, pause: { actor: 'alice', reason: 'waiting for the DB migration', since_unix_ms: T0 + MIN } };
    const r = run(specOf(), [[45, 'hold']], paused);
    expect(r[0]!.record).toMatchObject({ status: 'paused', reasons: ['paused by alice since 2026-02-16T09:01:00.000Z: waiting for the DB migration'], next: 'paused until `rollgate control resume`' });
  });
});

describe('data that cannot be trusted never passes', () => {
  it.each([
    ['missing', { web: { state: null } }],
    ['unparsable', { web: { state: '{"health":{"queue_de' } }],
    ['stale', { web: { age: 20 } }],
    ['wrongly typed', { web: { state: '{"health":{"queue_depth":"0"}}' } }],
    ['dated in the future', { web: { age: -2 } }],
    ['dated at the end of time', { web: { state: '{"health":{"updated_unix_ms":9007199254740991}}' } }],
  ])('%s state holds, whatever the soak', (_what, broken) => {
    const r = run(specOf(), [[0, 'wait'], [40, 'hold', broken], [80, 'hold', broken]]);
    expect(r[1]!.record.gates.filter((g) => g.surface === 'web').map((g) => g.result)).toEqual(['error', 'error']);
  });
});

describe('terminal statuses and clock skew', () => {
  it('a rolled-back rollout repeats its decision and changes nothing', () => {
    const r = run(specOf(), [[0, 'wait'], [5, 'hold', degraded], [10, 'rollback', degraded]]);
    const again = check(specOf(), r[2]!.next, new Feed().observe(T0 + 60 * MIN), T0 + 60 * MIN, { dryRun: false });
    expect(again).toMatchObject({ changed: false, hooks: [], record: { decision: 'rollback', check: 3 } });
    expect(again.next).toBe(r[2]!.next);
  });

  it('a check before the previous one holds and advances nothing', () => {
    const r = run(specOf(), [[0, 'wait'], [20, 'wait'], [10, 'hold'], [30, 'promote']]);
    expect(r[2]!.next.phase).toEqual(r[1]!.next.phase);
    expect(r[2]!.next.last_check_unix_ms).toBe(T0 + 20 * MIN);
  });
});

describe('promotion windows', () => {
  const window = 'promotionWindow: { cron: "* 9-16 * * 1-5", timezone: Europe/Berlin }';
  it('a soaked phase waits outside the window, names the next opening, and promotes inside it', () => {
    const late = 7 * 60 + 30; // 17:30 Berlin on Monday (T0 is 10:00 Berlin); the window covers 09:00-16:59
    const r = run(specOf(window), [[late - 40, 'wait'], [late - 20, 'wait'], [late, 'wait'], [23 * 60 - 1, 'wait'], [23 * 60, 'promote']]);
    expect(r[2]!.record.reasons[0]).toBe('canary has soaked, but it is outside the promotion window (`* 9-16 * * 1-5` Europe/Berlin); it next opens at 2026-02-17T08:00:00.000Z');
  });

  it('rollbacks are never delayed by the window', () => {
    run(specOf(window), [[600, 'wait'], [605, 'hold', degraded], [610, 'rollback', degraded]]);
  });
});

describe('hooks and determinism', () => {
  it('a promotion carries the record to keep if its hook fails: decision hold, phase kept', () => {
    const r = run(specOf(), [[0, 'wait'], [30, 'promote']]);
    const fallback = r[1]!.ifHooksFail!;
    expect(fallback.record).toMatchObject({ decision: 'hold', phase: { name: 'canary' }, previous_phase: null, status: 'progressing' });
    expect(fallback.next.phase).toMatchObject({ name: 'canary', passing_checks: 2 });
  });

  it('a dry run decides the same but runs no hook', () => {
    const feed = new Feed();
    const a = check(specOf(), null, feed.observe(T0), T0, { dryRun: true });
    expect(a.hooks).toEqual([]);
    expect(a.record.dry_run).toBe(true);
  });

  it('same inputs, same record', () => {
    const once = () => run(specOf(), [[0, 'wait'], [5, 'hold', degraded], [30, 'wait']]).map((r) => JSON.stringify(r.record));
    expect(once()).toEqual(once());
  });

  it('the context a check returns has only its own fields (the rules\' per-surface data rides along unseen)', () => {
    const feed = new Feed();
    const { context } = check(specOf(), null, feed.observe(T0), T0, { dryRun: false });
    expect(Object.keys(context).sort()).toEqual(['base', 'metricDoubt', 'metricEvidence', 'surfaces', 'unknownWindows', 'unusableInputs', 'unusableSurfaces']);
    expect(Object.getOwnPropertySymbols(context).every((s) => !Object.prototype.propertyIsEnumerable.call(context, s))).toBe(true);
    expect({ ...context }).toEqual(context);
    // Its surfaces in the spread order they always had.
    expect(Object.keys(context.surfaces.web!)).toEqual(['name', 'paused', 'events', 'cycles', 'invalid_lines', 'last_reason_codes', 'kind', 'present', 'stale', 'age_ms', 'health', 'state', 'health_state', 'health_reason', 'rollout_gate']);
  });
});

describe("a spec's health rules", () => {
  it('replace the producer classification in `health_state` and the gate', () => {
    const health = `health:
  failing: { ">=": [ { var: health.queue_depth }, 10 ] }
  degraded: { ">": [ { var: health.queue_depth }, 0 ] }`;
    const r = run(specOf(health), [[0, 'wait'], [5, 'hold', { api: { health: { queue_depth: 1 } } }]]);
    expect(r[1]!.record.surfaces.api).toMatchObject({ health_state: 'degraded', health_reason: "the spec's health rule `degraded` matched", rollout_gate: 'hold' });
  });
});
