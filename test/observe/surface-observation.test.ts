/** The surface context rules read (DESIGN §3), built purely from reads and an instant. */
import { describe, expect, it } from 'vitest';
import { parseControlState } from '../../src/observe/control-state.js';
import { eventWindows } from '../../src/engine/event-windows.js';
import { emptyTally, type LogTally } from '../../src/engine/log-tally.js';
import { parseState } from '../../src/observe/state-file.js';
import { buildSurfaceContext, type SurfaceSettings } from '../../src/engine/surface-context.js';
import { evaluateRule } from '../../src/rules/evaluate.js';

const NOW = 1_771_200_000_000;
const settings: SurfaceSettings = { name: 'web', kind: null, staleAfterMs: 15 * 60_000, healthRules: null };
const tally = (cycles: number, codes: Record<string, number>, reason = 'ok'): LogTally => ({ ...emptyTally(), cycles, codes, last: { codes: Object.keys(codes), reason } });
const stateText = (health: object) => JSON.stringify({ schema_version: 1, commands: [], health: { updated_unix_ms: NOW - 60_000, ...health } });

function observe(opts: { state?: string; control?: string | null; total?: LogTally; saved?: Parameters<typeof eventWindows>[1]; settings?: Partial<SurfaceSettings> } = {}) {
  const total = opts.total ?? emptyTally();
  return buildSurfaceContext({ ...settings, ...opts.settings }, {
    state: parseState(opts.state ?? stateText({})),
    control: parseControlState(opts.control ?? null),
    events: { present: true, total, windows: eventWindows(total, opts.saved ?? { phaseEntry: null, lastCheck: null, checkBefore: null }) },
  }, NOW);
}

describe('a surface observation', () => {
  it('healthy and fresh: pass, with the last reason from the log', () => {
    expect(observe({ total: tally(3, { healthy_cycle: 3 }, 'all good') })).toMatchObject({
      present: true, stale: false, age_ms: 60_000, kind: 'custom-command', health_state: 'healthy', health_reason: 'all good', rollout_gate: 'pass', paused: false,
    });
  });

  it('unparsable state is unknown and holds, with the reason', () => {
    const s = observe({ state: '{"health":{' });
    expect(s).toMatchObject({ present: false, health_state: 'unknown', rollout_gate: 'hold', state: null, age_ms: null });
    expect(s.health_reason).toMatch(/^state unavailable: state.json is not valid JSON/);
  });

  it('a stale snapshot holds and says why', () => {
    const s = observe({ state: stateText({ updated_unix_ms: NOW - 20 * 60_000 }) });
    expect(s).toMatchObject({ stale: true, health_state: 'healthy', rollout_gate: 'hold' });
    expect(s.health_reason).toBe('state is stale: last updated 1200s ago, over the 900s staleAfter limit');
  });

  it('a paused control state holds a healthy surface', () => {
    expect(observe({ control: '{"mode":"paused"}' })).toMatchObject({ paused: true, health_state: 'degraded', health_reason: 'operator pause action is active', rollout_gate: 'hold' });
  });

  it("a spec's health rules replace the producer's classification; an erroring one is unknown", () => {
    const strict = { failing: { '>=': [{ var: 'health.queue_depth' }, 5] }, degraded: { '>': [{ var: 'health.queue_depth' }, 0] } };
    expect(observe({ state: stateText({ queue_depth: 2 }), settings: { healthRules: strict } })).toMatchObject({ health_state: 'degraded', rollout_gate: 'hold' });
    const broken = { failing: { '>=': [{ var: 'health.queue_dpeth' }, 5] }, degraded: false };
    expect(observe({ settings: { healthRules: broken } })).toMatchObject({ health_state: 'unknown', rollout_gate: 'hold', health_reason: expect.stringMatching(/health rule `failing` errored: `health.queue_dpeth` does not resolve/) });
  });

  it('windows come from saved tallies: history before the phase is total only', () => {
    const atEntry = tally(10, { case_processing_failed: 2, retry_attempted: 5 });
    const atLastCheck = tally(12, { case_processing_failed: 2, retry_attempted: 6 });
    const atCheckBefore = tally(11, { case_processing_failed: 2, retry_attempted: 5 });
    const now = tally(15, { case_processing_failed: 2, retry_attempted: 9, healthy_cycle: 1 });
    const s = observe({ total: now, saved: { phaseEntry: atEntry, lastCheck: atLastCheck, checkBefore: atCheckBefore } });
    expect(s.cycles).toEqual({ total: 15, phase: 5, check: 3, previous_check: 1 });
    expect({ ...s.events.phase }).toEqual({ retry_attempted: 4, healthy_cycle: 1 });
    expect({ ...s.events.check }).toEqual({ retry_attempted: 3, healthy_cycle: 1 });
    expect({ ...s.events.previous_check }).toEqual({ retry_attempted: 1 });
    // "new", "advancing" and "flat" as rules read them; a code never seen reads 0.
    const data = { surface: s };
    expect(evaluateRule({ '==': [{ var: 'surface.events.phase.case_processing_failed' }, 0] }, data)).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '>': [{ var: 'surface.events.check.retry_attempted' }, 0] }, data)).toEqual({ ok: true, value: true });
    expect(evaluateRule({ '<=': [{ var: 'surface.events.check.retry_attempted' }, { var: 'surface.events.previous_check.retry_attempted' }] }, data)).toEqual({ ok: true, value: false });
  });

  it('the first check: everything already in the log is history', () => {
    const s = observe({ total: tally(7, { case_processing_failed: 1 }) });
    expect(s.cycles).toEqual({ total: 7, phase: 0, check: 0, previous_check: 0 });
    expect(s.events.total.case_processing_failed).toBe(1);
    expect(evaluateRule({ '==': [{ var: 'surface.events.phase.case_processing_failed' }, 0] }, { surface: s })).toEqual({ ok: true, value: true });
  });
});
