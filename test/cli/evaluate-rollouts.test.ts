/** The three bundled specs driven through `rollgate evaluate --now` on real state directories. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/store/journal.js';
import { HOUR, MIN, T0, World } from '../helpers/world.js';

const CC = '.tau/custom-command';

/** A custom-command runtime that writes a fresh snapshot and one healthy cycle report. */
function healthyCycle(w: World, at: number) {
  w.state(CC, 'custom-command', at - MIN).events(CC, ['command_runs_recorded']);
}

describe('specs/custom-command.yaml', () => {
  it('a healthy run promotes at exactly each soak boundary and completes', () => {
    const w = new World();
    const steps: [number, string, string][] = [
      [0, 'wait', 'canary-1'], [29 * MIN, 'wait', 'canary-1'], [30 * MIN, 'promote', 'canary-2'],
      [89 * MIN, 'wait', 'canary-2'], [90 * MIN, 'promote', 'canary-3'],
      [209 * MIN, 'wait', 'canary-3'], [210 * MIN, 'promote', 'general-availability'],
      [210 * MIN + 24 * HOUR - MIN, 'wait', 'general-availability'], [210 * MIN + 24 * HOUR, 'complete', 'general-availability'],
    ];
    for (const [offset, decision, phase] of steps) {
      healthyCycle(w, T0 + offset);
      const { code, record } = w.evaluate('specs/custom-command.yaml', T0 + offset);
      expect([record.decision, record.phase.name, code], `at +${offset / MIN}m: ${record.reasons.join(' | ')}`).toEqual([decision, phase, 0]);
    }
    // Promote hooks ran with the phase's traffic; the journal verifies.
    expect(readFileSync(w.path('.rollgate/traffic.log'), 'utf8')).toMatch(/custom-command traffic=25% decision=promote\n.*traffic=50% decision=promote\n.*traffic=100% decision=promote\n/);
    const journal = verifyJournal(w.path('.rollgate/custom-command/decisions.jsonl'));
    expect(journal.ok).toBe(true);
    expect(journal.entries.map((e) => e.record.decision)).toEqual(steps.map((s) => s[1]));
    // A completed rollout repeats its decision and changes nothing.
    const again = w.evaluate('specs/custom-command.yaml', T0 + 30 * HOUR);
    expect(again.record.decision).toBe('complete');
    expect(verifyJournal(w.path('.rollgate/custom-command/decisions.jsonl')).entries).toHaveLength(steps.length);
  });

  it('degraded on two consecutive checks holds on the first and rolls back on the second, with an incident bundle', () => {
    const w = new World();
    healthyCycle(w, T0);
    expect(w.evaluate('specs/custom-command.yaml', T0).code).toBe(0);
    w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1, last_cycle_failed: 1 });
    const first = w.evaluate('specs/custom-command.yaml', T0 + 5 * MIN);
    expect([first.code, first.record.decision]).toEqual([1, 'hold']);
    expect(first.record.triggers.find((t) => t.name === 'health-regression')).toMatchObject({ matched: true, streak: 1, fired: false });
    const second = w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN);
    expect([second.code, second.record.decision, second.record.status]).toEqual([2, 'rollback', 'rolled_back']);
    expect(second.record.reasons[0]).toMatch(/^trigger `health-regression` fired for surface `custom-command` \(2nd consecutive check, threshold 2\): surface.health_state = degraded, expected in \["degraded","failing"\]; action rollback$/);
    const incidents = readdirSync(w.path('.rollgate/custom-command/incidents'));
    expect(incidents).toEqual(['2026-02-16T09-10-00.000Z']);
    const bundle = w.path('.rollgate/custom-command/incidents', incidents[0]!);
    expect(JSON.parse(readFileSync(`${bundle}/decision.json`, 'utf8'))).toMatchObject({ decision: 'rollback', check: 3 });
    expect(JSON.parse(readFileSync(`${bundle}/custom-command/state.json`, 'utf8')).health.failure_streak).toBe(1);
    expect(existsSync(`${bundle}/custom-command/events-of-phase.jsonl`)).toBe(true);
    expect(readFileSync(w.path('.rollgate/traffic.log'), 'utf8')).toMatch(/custom-command traffic=0% decision=rollback/);
    // Rolled back stays rolled back.
    const later = w.evaluate('specs/custom-command.yaml', T0 + 15 * MIN);
    expect([later.code, later.record.decision]).toEqual([2, 'rollback']);
    expect(later.record.reasons[0]).toMatch(/was rolled back at check 3/);
  });

  it('a new case_processing_failed during the phase rolls back at once', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.events(CC, ['case_processing_failed']); // history: before the rollout began
    expect(w.evaluate('specs/custom-command.yaml', T0).record.decision).toBe('wait');
    healthyCycle(w, T0 + 5 * MIN);
    expect(w.evaluate('specs/custom-command.yaml', T0 + 5 * MIN).record.decision).toBe('wait');
    w.events(CC, ['retry_attempted', 'case_processing_failed']);
    const r = w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN);
    expect([r.code, r.record.decision]).toEqual([2, 'rollback']);
    expect(r.record.reasons[0]).toMatch(/trigger `hard-runtime-errors` fired for surface `custom-command`: surface.events.phase.case_processing_failed = 1, expected > 0/);
  });

  it('one degraded check restarts the soak clock', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    w.state(CC, 'custom-command', T0 + 9 * MIN, { last_cycle_failed: 1 });
    expect(w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN).record.decision).toBe('hold');
    for (const [offset, decision] of [[15, 'wait'], [30, 'wait'], [39, 'wait'], [40, 'promote']] as const) {
      healthyCycle(w, T0 + offset * MIN);
      const r = w.evaluate('specs/custom-command.yaml', T0 + offset * MIN).record;
      expect(r.decision, `+${offset}m`).toBe(decision);
    }
  });

  it('missing, unparsable or stale state holds (exit 1) and never promotes', () => {
    for (const breakIt of [
      (w: World) => w.remove(`${CC}/state.json`),
      (w: World) => w.raw(`${CC}/state.json`, '{"schema_version":1,"health":{"queue_de'),
      (w: World) => w.state(CC, 'custom-command', T0 - HOUR),
    ]) {
      const w = new World();
      healthyCycle(w, T0);
      w.evaluate('specs/custom-command.yaml', T0);
      breakIt(w);
      for (const offset of [30, 60, 120]) {
        const r = w.evaluate('specs/custom-command.yaml', T0 + offset * MIN);
        expect([r.code, r.record.decision]).toEqual([1, 'hold']);
        expect(r.record.gates.filter((g) => g.result === 'pass').map((g) => g.name)).not.toContain('healthy');
      }
    }
  });

  it('--now before the previous check holds and advances nothing', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN);
    const r = w.evaluate('specs/custom-command.yaml', T0 + 5 * MIN);
    expect([r.code, r.record.decision]).toEqual([1, 'hold']);
    expect(r.record.reasons[0]).toMatch(/^clock skew: this check is at 2026-02-16T09:05:00.000Z, before the previous check at 2026-02-16T09:10:00.000Z/);
    // The soak still counts from the first check: promotion at +40m as planned.
    healthyCycle(w, T0 + 40 * MIN);
    expect(w.evaluate('specs/custom-command.yaml', T0 + 40 * MIN).record.decision).toBe('promote');
  });

  it('--dry-run changes no file', () => {
    const w = new World();
    healthyCycle(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    healthyCycle(w, T0 + 30 * MIN);
    const before = w.files();
    const r = w.evaluate('specs/custom-command.yaml', T0 + 30 * MIN, '--dry-run');
    expect([r.record.decision, r.record.dry_run]).toEqual(['promote', true]);
    expect(w.files()).toEqual(before);
  });

  it('same spec, same files, same --now: the same JSON record, byte for byte', () => {
    const a = new World();
    const b = new World();
    for (const w of [a, b]) healthyCycle(w, T0);
    const run = (w: World) => w.evaluate('specs/custom-command.yaml', T0 + 3 * MIN);
    expect(JSON.stringify(run(a).record)).toBe(JSON.stringify(run(b).record));
    for (const w of [a, b]) w.state(CC, 'custom-command', T0 + 9 * MIN, { failure_streak: 1 });
    const second = [a, b].map((w) => w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN, '--dry-run').record);
    expect(JSON.stringify(second[0])).toBe(JSON.stringify(second[1]));
  });
});

describe('specs/dashboard.yaml', () => {
  const D = '.tau/dashboard';
  const cycle = (w: World, at: number) => w.state(D, 'dashboard', at - MIN).events(D, ['widget_views_updated', 'control_actions_applied']);

  it('a healthy run completes; an operator pause holds without rolling back, and restarts the soak', () => {
    const w = new World();
    // The producer's pause makes the surface degraded, so the `healthy` gate fails while paused:
    // canary-2's hour of soak starts again at the last paused check (+75m), not at its entry (+30m).
    const steps: [number, string][] = [[0, 'wait'], [30, 'promote'], [90, 'wait'], [135, 'promote'], [255, 'promote'], [255 + 24 * 60, 'complete']];
    for (const [offset, decision] of steps) {
      cycle(w, T0 + offset * MIN);
      if (offset === 90) {
        // Paused for two checks: hold, and no health-regression streak from the pause.
        w.json(`${D}/control-state.json`, { schema_version: 1, mode: 'paused', updated_unix_ms: T0, last_action: null });
        for (const p of [60, 75]) {
          cycle(w, T0 + p * MIN);
          const held = w.evaluate('specs/dashboard.yaml', T0 + p * MIN);
          expect([held.code, held.record.decision]).toEqual([1, 'hold']);
          expect(held.record.reasons).toContain('surface `dashboard` is paused by its operator (control-state.json mode: paused)');
        }
        w.json(`${D}/control-state.json`, { schema_version: 1, mode: 'running', updated_unix_ms: T0, last_action: null });
        cycle(w, T0 + offset * MIN);
      }
      const r = w.evaluate('specs/dashboard.yaml', T0 + offset * MIN);
      expect(r.record.decision, `+${offset}m: ${r.record.reasons.join(' | ')}`).toBe(decision);
    }
  });
});

describe('specs/release.yaml', () => {
  const SURFACES = [['voice', 'voice'], ['browser', 'browser'], ['dashboard', 'dashboard'], ['custom-command', 'custom-command'], ['memory', 'memory']] as const;
  const codes: Record<string, string[]> = { dashboard: ['widget_views_updated', 'control_actions_applied'], 'custom-command': ['command_runs_recorded'], voice: ['turns_handled'], browser: ['healthy_cycle'], memory: ['healthy_cycle'] };
  const cycle = (w: World, at: number) => {
    for (const [name, kind] of SURFACES) w.state(`.tau/${name}`, kind, at - MIN).events(`.tau/${name}`, codes[name]!);
  };
  const inputs = (w: World) =>
    w.json('release/harness-report.json', { overall: { status: 'passed', total_surfaces: 5, passed_surfaces: 5, failed_surfaces: 0 }, surface_status: {}, failed_surfaces: [] })
      .json('release/smoke-matrix.json', { status: 'passed', jobs: [{ name: 'linux', status: 'passed' }] })
      .raw('release/rollback-target.yaml', 'version: 2026.02.1\nrecorded_by: release-bot\n')
      .json('release/browser-live-summary.json', { timeline: [{ case_id: 'b1', operation: 'RUN', action: 'open', replay_step: 'success', status_code: 200, error_code: '' }] });

  it('preflight, three canaries and general availability with sign-off, inside the promotion window', () => {
    const w = new World();
    inputs(w);
    const steps: [number, string, string][] = [
      [0, 'promote', 'canary-1'], [30, 'promote', 'canary-2'], [90, 'promote', 'canary-3'], [210, 'promote', 'general-availability'],
      [210 + 24 * 60, 'hold', 'general-availability'], // soaked, but no sign-off yet: the GA gate holds
    ];
    for (const [offset, decision, phase] of steps) {
      cycle(w, T0 + offset * MIN);
      const r = w.evaluate('specs/release.yaml', T0 + offset * MIN);
      expect([r.record.decision, r.record.phase.name], `+${offset}m: ${r.record.reasons.join(' | ')}`).toEqual([decision, phase]);
    }
    w.raw('release/signoff.yaml', 'items:\n  - { name: qa, done: true, evidence: "https://ci.example/qa/42" }\n');
    // The hold restarted the soak clock: general availability needs 24 h more from that check.
    cycle(w, T0 + (211 + 24 * 60) * MIN);
    expect(w.evaluate('specs/release.yaml', T0 + (211 + 24 * 60) * MIN).record.decision).toBe('wait');
    cycle(w, T0 + (210 + 48 * 60) * MIN);
    const done = w.evaluate('specs/release.yaml', T0 + (210 + 48 * 60) * MIN);
    expect(done.record.decision, done.record.reasons.join(' | ')).toBe('complete');
  });

  it('a failed browser step rolls the release back; a missing required input holds', () => {
    const w = new World();
    inputs(w);
    w.remove('release/harness-report.json');
    cycle(w, T0);
    const held = w.evaluate('specs/release.yaml', T0);
    expect([held.code, held.record.decision]).toEqual([1, 'hold']);
    expect(held.record.reasons.join('\n')).toMatch(/input `harness` \(.*release\/harness-report.json\) is missing \(a required input\)/);
    inputs(w);
    cycle(w, T0 + 5 * MIN);
    expect(w.evaluate('specs/release.yaml', T0 + 5 * MIN).record.decision).toBe('promote');
    w.json('release/browser-live-summary.json', { timeline: [{ case_id: 'b2', replay_step: 'retryable_failure', error_code: 'timeout' }] });
    cycle(w, T0 + 10 * MIN);
    const r = w.evaluate('specs/release.yaml', T0 + 10 * MIN);
    expect([r.code, r.record.decision]).toEqual([2, 'rollback']);
    expect(r.record.reasons[0]).toMatch(/^trigger `browser-execution-failure` fired/);
  });
});

describe('the fixture surfaces, each on a first check of specs/custom-command.yaml', () => {
  const at = Date.parse('2026-02-16T00:06:00Z'); // a minute after the fixtures were written
  it.each([
    ['healthy', 0, 'wait', /all gates pass; soaking canary-1/],
    ['degraded', 1, 'hold', /gate `healthy` failed for surface `custom-command`: surface.rollout_gate = hold, expected == pass/],
    ['failing', 2, 'rollback', /trigger `failure-streak-breach` fired for surface `custom-command`: surface.health.failure_streak = 3, expected >= 3/],
    ['paused', 1, 'hold', /surface `custom-command` is paused by its operator/],
    ['stale', 1, 'hold', /cannot be evaluated: surface `custom-command`: state is stale: last updated 10860s ago/],
    ['missing', 1, 'hold', /cannot be evaluated: surface `custom-command`: state unavailable: state.json does not exist/],
    ['backlog', 1, 'hold', /gate `queue-depth` failed for surface `custom-command`: surface.health.queue_depth = 3, expected <= 1/],
  ])('%s: exit %i, %s', (fixture, code, decision, reason) => {
    const w = new World().copyFixture(`surfaces/${fixture}`, CC);
    const r = w.evaluate('specs/custom-command.yaml', at);
    expect([r.code, r.record.decision]).toEqual([code, decision]);
    expect(r.record.reasons.join('\n')).toMatch(reason);
  });
});
