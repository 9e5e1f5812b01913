/** Every real sample reads without error; the producer's expected reports match field for field. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectStatusReport } from '../../src/observe/status-report.js';
import { fixture } from '../helpers/paths.js';
import { rollgate } from '../helpers/cli.js';

const SAMPLES = fixture('tau-samples');
const NOW = 1771200400000;
/** Every directory that holds a state.json (gateway-status-with-training nests one level down). */
const stateDirs = readdirSync(SAMPLES)
  .flatMap((d) => [d, ...readdirSync(`${SAMPLES}/${d}`).map((c) => `${d}/${c}`)])
  .filter((d) => existsSync(`${SAMPLES}/${d}/state.json`));

describe('every tau sample', () => {
  it('finds the state directories', () => {
    expect(stateDirs.length).toBeGreaterThanOrEqual(15);
  });
  for (const dir of stateDirs) {
    it(`${dir} reads as present, with a detected kind and a known health`, () => {
      const r = collectStatusReport(`${SAMPLES}/${dir}`, { nowMs: NOW });
      expect(r.state_present).toBe(true);
      expect(r.surface_kind).not.toBe('unknown');
      expect(['healthy', 'degraded', 'failing']).toContain(r.health_state);
    });
  }
});

describe('producer expected status reports', () => {
  const cases = [
    ['runtime-dashboard-healthy', 'EXPECTED--dashboard-status-inspect.json'],
    ['runtime-custom-command-healthy', 'EXPECTED--custom-command-status-inspect.json'],
  ] as const;
  for (const [dir, expectedFile] of cases) {
    it(`rollgate inspect ${dir} --format json matches ${expectedFile}`, () => {
      const expected = JSON.parse(readFileSync(`${SAMPLES}/${dir}/${expectedFile}`, 'utf8')) as Record<string, unknown>;
      const run = rollgate(['inspect', `fixtures/tau-samples/${dir}`, '--format', 'json']);
      expect(run.code).toBe(0);
      const actual = JSON.parse(run.stdout) as Record<string, unknown>;
      const compared = Object.keys(expected).filter((k) => k !== 'state_path' && k !== 'events_log_path');
      for (const key of compared) expect(actual[key], key).toEqual(expected[key]);
      expect(actual.state_path).toBe(`fixtures/tau-samples/${dir}/state.json`);
      // Same order as the producer: its keys come first, in its order; rollgate's extras after.
      const order = Object.keys(actual).filter((k) => k in expected);
      expect(order).toEqual(Object.keys(expected));
    });
  }
});

describe('what the samples say', () => {
  const report = (dir: string) => collectStatusReport(`${SAMPLES}/${dir}`, { nowMs: NOW });

  it('a state without `health` is an all-zero, healthy snapshot', () => {
    const r = report('ops-dashboard-legacy-no-health');
    expect(r).toMatchObject({ health_state: 'healthy', rollout_gate: 'pass', events_log_present: false, cycle_reports: 0, widget_count: 0 });
    expect(Object.values(r.health as object).every((v) => v === 0)).toBe(true);
  });

  it('degraded health without an event log holds, with the classification reason', () => {
    expect(report('ops-custom-command-degraded-no-events-log')).toMatchObject({
      health_state: 'degraded', rollout_gate: 'hold', events_log_present: false,
      health_reason: 'recent transport failures observed (failure_streak=2, last_cycle_failed=1)',
    });
  });

  it('invalid lines are counted and skipped; the last valid line gives codes and reason', () => {
    expect(report('ops-voice-status')).toMatchObject({
      surface_kind: 'voice', cycle_reports: 2, invalid_cycle_reports: 1,
      last_reason_codes: ['healthy_cycle', 'duplicate_cases_skipped'],
      reason_code_counts: { duplicate_cases_skipped: 1, healthy_cycle: 1, turns_handled: 1, wake_word_detected: 1 },
    });
  });

  it('minimal demo lines without timestamps are cycle reports, and their reason is reported', () => {
    expect(report('demo-memory')).toMatchObject({ surface_kind: 'memory', cycle_reports: 1, health_reason: 'memory diagnostics seeded for inspection' });
  });

  it('queue_depth=1 still passes, and an empty reason_codes line is valid', () => {
    expect(report('gateway-dashboard-queue-depth-1')).toMatchObject({ health_state: 'healthy', rollout_gate: 'pass', invalid_cycle_reports: 1, cycle_reports: 2 });
    expect(report('gateway-dashboard-nominal')).toMatchObject({ cycle_reports: 1, last_reason_codes: [], health_reason: 'dashboard runtime health is nominal' });
  });

  it('partial widget records are accepted', () => {
    expect(report('demo-dashboard')).toMatchObject({ surface_kind: 'dashboard', widget_count: 1, control_audit_count: 1 });
  });
});

describe('rollgate inspect', () => {
  it('exits 66 for a missing directory, and says what to give', () => {
    const r = rollgate(['inspect', 'fixtures/tau-samples/nope']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('no such directory');
  });

  it('a directory without state.json reports unknown / hold, exit 0, with a warning', () => {
    const r = rollgate(['inspect', 'fixtures/tau-samples/gateway-control-state-paused', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ health_state: 'unknown', rollout_gate: 'hold', state_present: false, paused: true });
    expect(r.stderr).toContain('warning: state unavailable: state.json does not exist');
  });

  it('text mode is one line of key=value', () => {
    const r = rollgate(['inspect', 'fixtures/tau-samples/runtime-dashboard-healthy']);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^dashboard status inspect: state_path=\S+ events_log_path=\S+ events_log_present=true health_state=healthy health_reason="no recent transport failures observed" rollout_gate=pass processed_case_count=2 widget_count=4/);
  });

  it('--transport-health gives the producer view', () => {
    const r = rollgate(['inspect', 'fixtures/tau-samples/runtime-custom-command-healthy', '--transport-health', '--format', 'json']);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([{ transport: 'custom-command', target: 'no-code-command-registry', state_path: 'fixtures/tau-samples/runtime-custom-command-healthy/state.json', health: expect.objectContaining({ updated_unix_ms: 1771200300005 }) }]);
  });

  it('--stale-after with --now reports staleness and holds', () => {
    const r = rollgate(['inspect', 'fixtures/tau-samples/runtime-dashboard-healthy', '--format', 'json', '--stale-after', '15m', '--now', '2026-02-16T00:30:00Z']);
    expect(JSON.parse(r.stdout)).toMatchObject({ stale: true, rollout_gate: 'hold', health_state: 'healthy' });
    expect(rollgate(['inspect', 'fixtures/tau-samples/runtime-dashboard-healthy', '--stale-after', '15 min']).code).toBe(64);
  });
});
