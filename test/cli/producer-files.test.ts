/**
 * Producer files the producer itself would refuse, through the real `rollgate evaluate`
 * process: a healthy rollout promotes after its soak; the same rollout with one garbage change
 * before the promoting check holds instead, with a sentence and never a stack. Non-regular
 * files (FIFOs) must not make evaluate hang: a generous process timeout is the failure signal.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { MIN, T0, World, type Evaluation } from '../helpers/world.js';

const D = '.tau/dashboard';
const CC = '.tau/custom-command';
const SOAK = 10 * MIN;

const SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: strict }
surfaces:
  dashboard: { stateDir: ${D}, kind: dashboard, staleAfter: 15m }
  custom-command: { stateDir: ${CC}, kind: custom-command, staleAfter: 15m }
inputs:
  report: { file: release/report.json, required: false }
phases:
  - name: canary
    traffic: 10
    soak: 10m
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: report-clean, rule: { "!": { var: [ inputs.report.blocked, false ] } } }
  - { name: ga, traffic: 100, soak: 1h }
triggers:
  - { name: hard-errors, each: surfaces, when: { ">": [ { var: surface.events.phase.case_processing_failed }, 0 ] }, action: rollback }
  - { name: regress, each: surfaces, when: { in: [ { var: surface.health_state }, [ degraded, failing ] ] }, consecutive: 2, action: rollback }
`;

/** The real CLI (test/helpers/cli.ts kills it after 20 s: a hang fails the test instead of freezing the suite). */
function evaluate(w: World, nowMs: number): Evaluation {
  return w.evaluate(w.path('strict.yaml'), nowMs);
}

/** Replaces a file (whatever is there: a FIFO must not be written into, it would block). */
function put(w: World, file: string, content: string | Buffer): void {
  mkdirSync(dirname(w.path(file)), { recursive: true });
  rmSync(w.path(file), { force: true, recursive: true });
  writeFileSync(w.path(file), content);
}

const healthOf = (at: number) => ({
  updated_unix_ms: at - MIN, cycle_duration_ms: 12, queue_depth: 0, active_runs: 0, failure_streak: 0,
  last_cycle_discovered: 1, last_cycle_processed: 1, last_cycle_completed: 1, last_cycle_failed: 0, last_cycle_duplicates: 0,
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function dashboardState(at: number): Json {
  return {
    schema_version: 1, processed_case_keys: ['snapshot:s1'],
    widget_views: [{ widget_id: 'health-summary', kind: 'health_summary', title: 'Health', query_key: 'runtime.health', refresh_interval_ms: 3000, last_case_key: 'snapshot:s1', updated_unix_ms: at - MIN }],
    control_audit: [], health: healthOf(at),
  };
}

function commandState(at: number): Json {
  return {
    schema_version: 1, processed_case_keys: ['CREATE:deploy_release:c1'],
    commands: [{ case_key: 'CREATE:deploy_release:c1', case_id: 'c1', command_name: 'deploy_release', template: 'deploy {{env}}', operation: 'CREATE', last_status_code: 201, last_outcome: 'success', run_count: 1, last_exit_code: null, updated_unix_ms: at - MIN }],
    health: healthOf(at),
  };
}

/** Both runtimes wrote a fresh snapshot and a healthy cycle report. */
function healthy(w: World, at: number): void {
  put(w, `${D}/state.json`, JSON.stringify(dashboardState(at), null, 2));
  put(w, `${CC}/state.json`, JSON.stringify(commandState(at), null, 2));
  put(w, `${D}/control-state.json`, JSON.stringify({ schema_version: 1, mode: 'running', updated_unix_ms: at - MIN, last_action: null }, null, 2));
  for (const dir of [D, CC]) appendFileSync(w.path(dir, 'runtime-events.jsonl'), JSON.stringify({ reason_codes: ['healthy_cycle'], health_reason: 'no recent transport failures observed' }) + '\n');
}

/** Two checks a soak apart; `garbage` changes one thing just before the second. */
function rollout(garbage?: (w: World, at: number) => void): { w: World; first: Evaluation; second: Evaluation } {
  const w = new World();
  w.raw('strict.yaml', SPEC);
  healthy(w, T0);
  const first = evaluate(w, T0);
  healthy(w, T0 + SOAK);
  garbage?.(w, T0 + SOAK);
  return { w, first, second: evaluate(w, T0 + SOAK) };
}

/** Held, with a sentence, and no stack trace anywhere. */
function expectHeld(run: Evaluation, sentence: RegExp): void {
  expect([run.code, run.record.decision], run.record.reasons.join(' | ')).toEqual([1, 'hold']);
  const said = [...run.record.reasons, ...Object.values(run.record.surfaces).map((s) => s.health_reason), ...run.record.notes].join('\n');
  expect(said).toMatch(sentence);
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(said).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('the baseline', () => {
  it('fresh state and healthy cycles: wait, then promote after the soak', () => {
    const { first, second } = rollout();
    expect([first.code, first.record.decision]).toEqual([0, 'wait']);
    expect([second.code, second.record.decision, second.record.phase.name], second.record.reasons.join(' | ')).toEqual([0, 'promote', 'ga']);
  });
});

describe('a repeated key', () => {
  it('in state.json (`"queue_depth":5,"queue_depth":0`) holds', () => {
    const { second } = rollout((w, at) => {
      const text = JSON.stringify(commandState(at)).replace('"queue_depth":0', '"queue_depth":5,"queue_depth":0');
      put(w, `${CC}/state.json`, text);
    });
    expectHeld(second, /surface `custom-command`: state unavailable: state\.json has a duplicate key "queue_depth" at line 1 column \d+; the producer \(serde\) refuses/);
  });

  it('in control-state.json (`"mode":"paused","mode":"running"`) holds', () => {
    const { second } = rollout((w) => put(w, `${D}/control-state.json`, '{"schema_version":1,"mode":"paused","mode":"running"}'));
    expectHeld(second, /surface `dashboard`: control-state\.json has a duplicate key "mode" at line 1 column \d+, so its mode is ambiguous: holding until it says running or paused/);
    expect(second.record.surfaces.dashboard).toMatchObject({ paused: true, rollout_gate: 'hold' });
  });

  it('in a JSON input holds', () => {
    const { second } = rollout((w) => put(w, 'release/report.json', '{"blocked":true,"blocked":false}'));
    expectHeld(second, /input `report` \(.*report\.json\) cannot be parsed as JSON: duplicate key "blocked"/);
  });
});

describe('a control-state.json mode that is neither running nor paused', () => {
  it.each([
    ['"Paused"', '{"schema_version":1,"mode":"Paused"}', /control-state\.json has mode "Paused": holding until it says running or paused/],
    ['"paused "', '{"schema_version":1,"mode":"paused "}', /control-state\.json has mode "paused ": holding/],
    ['"halted"', '{"schema_version":1,"mode":"halted"}', /surface `dashboard`: control-state\.json has mode "halted": holding until it says running or paused/],
    ['a BOM', '\uFEFF{"schema_version":1,"mode":"running"}', /control-state\.json starts with a byte-order mark/],
    ['a number', '{"schema_version":1,"mode":0}', /control-state\.json has mode 0: holding/],
    ['half-written', '{"schema_version":1,"mode":"runn', /control-state\.json is unreadable: not valid JSON .*possibly half-written: holding/],
  ])('%s holds', (_, text, sentence) => {
    const { second } = rollout((w) => put(w, `${D}/control-state.json`, text));
    expectHeld(second, sentence);
  });

  it('held check after check, it never rolls back: the health is not made degraded the way a pause is', () => {
    const { w, second } = rollout((x) => put(x, `${D}/control-state.json`, '{"schema_version":1,"mode":"halted"}'));
    expect(second.record.surfaces.dashboard).toMatchObject({ health_state: 'healthy', rollout_gate: 'hold', paused: true });
    for (const at of [T0 + 15 * MIN, T0 + 20 * MIN, T0 + 25 * MIN]) {
      healthy(w, at);
      put(w, `${D}/control-state.json`, '{"schema_version":1,"mode":"halted"}');
      const r = evaluate(w, at);
      expect([r.code, r.record.decision], r.record.reasons.join(' | ')).toEqual([1, 'hold']);
      expect(r.record.triggers.find((t) => t.name === 'regress' && t.surface === 'dashboard')).toMatchObject({ matched: false, fired: false });
    }
  });

  it('and once it says running again, the rollout goes on, its soak restarted at the held check (a failing gate restarts it, paused or not)', () => {
    const { w, second } = rollout((x) => put(x, `${D}/control-state.json`, '{"schema_version":1,"mode":"runn'));
    expect(second.record.decision).toBe('hold');
    const heldAt = second.record.evaluated_unix_ms;
    healthy(w, heldAt + SOAK - MIN);
    expect(evaluate(w, heldAt + SOAK - MIN).record.decision).toBe('wait');
    healthy(w, heldAt + SOAK);
    const done = evaluate(w, heldAt + SOAK);
    expect([done.record.decision, done.record.phase.name], done.record.reasons.join(' | ')).toEqual(['promote', 'ga']);
  });
});

describe('a wrongly typed state.json field', () => {
  it.each([
    ['widget_views: null', D, (s: Json) => void (s.widget_views = null), /state\.json: widget_views = null; the producer's type is Vec<DashboardWidgetView> \(an array\)/],
    ['processed_case_keys: [1,2]', CC, (s: Json) => void (s.processed_case_keys = [1, 2]), /state\.json: processed_case_keys\[0\] = 1; the producer's type is String/],
    ['last_status_code: 70000', CC, (s: Json) => void (s.commands[0].last_status_code = 70000), /state\.json: commands\[0\]\.last_status_code = 70000; the producer's type is u16 \(an integer 0\.\.65535\)/],
    ['failure_streak: "0"', CC, (s: Json) => void (s.health.failure_streak = '0'), /state\.json: health\.failure_streak = "0"; the producer's type is usize/],
    ['schema_version: 2', D, (s: Json) => void (s.schema_version = 2), /state\.json has schema_version 2; rollgate knows only schema_version 1/],
  ])('%s holds, naming the field', (_, dir, mutate, sentence) => {
    const { second } = rollout((w, at) => {
      const state = dir === D ? dashboardState(at) : commandState(at);
      mutate(state);
      put(w, `${dir}/state.json`, JSON.stringify(state, null, 2));
    });
    expectHeld(second, sentence);
    expect(second.record.surfaces[dir === D ? 'dashboard' : 'custom-command']).toMatchObject({ present: false, health_state: 'unknown', rollout_gate: 'hold' });
  });

  it('an integer written as 0.0 holds (serde refuses it for an integer field)', () => {
    const { second } = rollout((w, at) => put(w, `${CC}/state.json`, JSON.stringify(commandState(at), null, 2).replace('"last_cycle_failed": 0', '"last_cycle_failed": 0.0')));
    expectHeld(second, /state\.json: health\.last_cycle_failed = 0\.0 \(written with a fraction or an exponent\)/);
  });
});

describe('files that are not regular files, and paths that cannot be read', () => {
  it('a FIFO as state.json: evaluate finishes and holds', () => {
    const { second } = rollout((w) => {
      rmSync(w.path(CC, 'state.json'));
      mkfifo(w.path(CC, 'state.json'));
    });
    expectHeld(second, /surface `custom-command`: state unavailable: state\.json is a FIFO \(named pipe\), not a regular file/);
  });

  it('a FIFO as control-state.json: evaluate finishes and holds', () => {
    const { second } = rollout((w) => {
      rmSync(w.path(D, 'control-state.json'));
      mkfifo(w.path(D, 'control-state.json'));
    });
    expectHeld(second, /control-state\.json is a FIFO \(named pipe\), not a regular file: holding until it says running or paused/);
  });

  it('a FIFO as an input file: evaluate finishes and holds', () => {
    const { second } = rollout((w) => {
      mkdirSync(w.path('release'), { recursive: true });
      mkfifo(w.path('release/report.json'));
    });
    expectHeld(second, /input `report` \(.*report\.json\) is a FIFO \(named pipe\), not a regular file/);
  });

  it('a symlink loop as the state directory (ELOOP): held with a sentence, no stack', () => {
    const { second } = rollout((w) => {
      rmSync(w.path(D), { recursive: true });
      symlinkSync(w.path('.tau/loop-b'), w.path('.tau/loop-a'));
      symlinkSync(w.path('.tau/loop-a'), w.path('.tau/loop-b'));
      symlinkSync(w.path('.tau/loop-a'), w.path(D));
    });
    expectHeld(second, /surface `dashboard`: state unavailable: state\.json cannot be read: its path is a symlink loop \(ELOOP\)/);
  });

  it('a directory in place of state.json (EISDIR): held with a sentence, no stack', () => {
    const { second } = rollout((w) => {
      rmSync(w.path(CC, 'state.json'));
      mkdirSync(w.path(CC, 'state.json'));
    });
    expectHeld(second, /surface `custom-command`: state unavailable: state\.json is a directory, not a regular file/);
  });
});

describe('the incident bundle', () => {
  it('a rollback with FIFOs as state.json and control-state.json completes; the manifest says what was not copied', () => {
    const { w, second } = rollout((x) => {
      for (const file of [`${CC}/state.json`, `${D}/control-state.json`]) {
        rmSync(x.path(file));
        mkfifo(x.path(file));
      }
      // The dashboard (its state still readable) fires the rollback; custom-command's trigger cannot be evaluated.
      appendFileSync(x.path(D, 'runtime-events.jsonl'), JSON.stringify({ reason_codes: ['case_processing_failed'], health_reason: 'x' }) + '\n');
    });
    expect([second.code, second.record.decision]).toEqual([2, 'rollback']);
    const incidents = w.path('.rollgate/strict/incidents');
    const [bundle] = readdirSync(incidents);
    const manifest = JSON.parse(readFileSync(join(incidents, bundle!, 'manifest.json'), 'utf8'));
    expect(manifest.surfaces['custom-command']).toMatchObject({ copied: [], not_copied: { 'state.json': 'not copied: state.json is a FIFO (named pipe), not a regular file' } });
    expect(manifest.surfaces.dashboard).toMatchObject({ copied: ['state.json'], not_copied: { 'control-state.json': 'not copied: control-state.json is a FIFO (named pipe), not a regular file' } });
    expect(JSON.parse(readFileSync(join(incidents, bundle!, 'dashboard', 'state.json'), 'utf8')).schema_version).toBe(1);
  });
});

describe('rollgate inspect', () => {
  it('a control state that says neither running nor paused holds there too, with the sentence', () => {
    const w = new World();
    healthy(w, T0);
    put(w, `${D}/control-state.json`, '{"schema_version":1,"mode":"halted"}');
    const r = rollgate(['inspect', w.path(D), '--format', 'json', '--now', String(T0)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      health_state: 'healthy', rollout_gate: 'hold', paused: true,
      health_reason: 'control-state.json has mode "halted": holding until it says running or paused',
      control_error: 'control-state.json has mode "halted": holding until it says running or paused',
    });
  });

  it('a symlink loop as the state directory: a sentence and exit 66, not a stack', () => {
    const w = new World();
    symlinkSync(w.path('loop-b'), w.path('loop-a'));
    symlinkSync(w.path('loop-a'), w.path('loop-b'));
    const r = rollgate(['inspect', w.path('loop-a'), '--format', 'json']);
    expect([r.code, r.stderr]).toEqual([66, `${w.path('loop-a')}: error: cannot be read: its path is a symlink loop (ELOOP)\n`]);
  });
});
