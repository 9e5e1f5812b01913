/**
 * Properties over generated input (fast-check): the spec loader never throws, and the engine
 * never promotes while any surface a gate reads is missing, stale or unreadable.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check, startState } from '../../src/engine/check.js';
import type { Observations, SurfaceObservation } from '../../src/engine/observations.js';
import { newCursor } from '../../src/observe/event-cursor.js';
import { emptyTally } from '../../src/engine/log-tally.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { ROOT } from '../helpers/paths.js';

const RUNS = process.env.CI ? 300 : 1000;
/** A mutated release.yaml costs a whole load (~8 ms here, several times that on a busy machine). */
const MUTATION_RUNS = process.env.CI ? 200 : 500;
/**
 * Each property does a fixed number of runs, so its outcome never depends on the machine's
 * speed; the timeout is generous (several times the time on a busy 2-core machine), so only a
 * real hang fails it.
 */
const PROPERTY_TIMEOUT_MS = 120_000;

describe('the spec loader', () => {
  it('never throws on generated YAML values', () => {
    fc.assert(fc.property(fc.anything(), (value) => {
      let text: string;
      try {
        text = stringify(value);
      } catch {
        return; // not representable as YAML
      }
      if (typeof text !== 'string') return; // stringify(undefined) is undefined, not a document
      const r = loadSpecText(text, 'generated.yaml');
      expect(r.spec === null ? r.diagnostics.some((d) => d.severity === 'error') : true).toBe(true);
    }), { numRuns: RUNS });
  }, PROPERTY_TIMEOUT_MS);

  it('never throws on a real spec with characters cut, doubled or replaced anywhere', () => {
    const text = readFileSync(ROOT + 'specs/release.yaml', 'utf8');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.constantFrom('cut', 'double', 'replace'), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }), (edits) => {
      let t = text;
      for (const [at, op, s] of edits) {
        const i = at % Math.max(1, t.length);
        t = op === 'cut' ? t.slice(0, i) + t.slice(i + 1) : op === 'double' ? t.slice(0, i) + t[i] + t.slice(i) : t.slice(0, i) + s + t.slice(i + 1);
      }
      const r = loadSpecText(t, 'mutated.yaml');
      for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(0);
    }), { numRuns: MUTATION_RUNS });
  }, PROPERTY_TIMEOUT_MS);
});

describe('the engine', () => {
  const release = loadSpecText(readFileSync(ROOT + 'specs/release.yaml'), 'specs/release.yaml').spec!;
  const cc = loadSpecText(readFileSync(ROOT + 'specs/custom-command.yaml'), 'specs/custom-command.yaml').spec!;
  const NOW = Date.parse('2026-02-17T10:00:00Z'); // a Tuesday, inside the release's promotion window

  type Quality = 'fresh' | 'missing' | 'stale' | 'unreadable';
  const surfaceObs = (quality: Quality, failureStreak: number): SurfaceObservation => {
    const health = { updated_unix_ms: quality === 'stale' ? NOW - 3_600_000 : NOW - 5_000, queue_depth: 0, active_runs: 0, failure_streak: failureStreak, cycle_duration_ms: 0, last_cycle_discovered: 1, last_cycle_processed: 1, last_cycle_completed: 1, last_cycle_failed: 0, last_cycle_duplicates: 0 };
    const tally = { ...emptyTally(), cycles: 3, codes: Object.assign(Object.create(null) as Record<string, number>, { widget_views_updated: 3, control_actions_applied: 3, command_runs_recorded: 3 }) };
    return {
      state: quality === 'missing' ? { present: false, reason: 'state.json does not exist' } : quality === 'unreadable' ? { present: false, reason: 'state.json is not valid JSON' } : { present: true, state: { schema_version: 1 }, health, kind: 'unknown', bytes: 100 },
      control: { mode: 'running', present: false, updated_unix_ms: null, last_action: null, note: null },
      events: { present: true, cursor: { ...newCursor(), tally }, notes: [] },
    };
  };
  /** A rollout that has soaked its phase for a day with everything passing. */
  const soaked = (spec: Spec, phase: number) => {
    const s = startState(spec, NOW - 86_400_000);
    const p = spec.phases[phase]!;
    return { ...s, checks: 100, last_check_unix_ms: NOW - 300_000, phase: { index: phase, name: p.name, entered_unix_ms: NOW - 86_400_000, checks: 100, soak_start_unix_ms: NOW - 86_400_000, passing_checks: 100 } };
  };

  it.each([['release', release], ['custom-command', cc]] as const)('%s: never promotes while a surface is missing, stale or unreadable', (_name, spec) => {
    const qualities = fc.constantFrom<Quality>('fresh', 'missing', 'stale', 'unreadable');
    fc.assert(fc.property(
      fc.array(qualities, { minLength: spec.surfaces.length, maxLength: spec.surfaces.length }),
      fc.nat({ max: spec.phases.length - 1 }),
      fc.array(fc.nat({ max: 4 }), { minLength: spec.surfaces.length, maxLength: spec.surfaces.length }),
      (quality, phase, streaks) => {
        const obs: Observations = { surfaces: {}, inputs: {} };
        spec.surfaces.forEach((s, i) => (obs.surfaces[s.name] = surfaceObs(quality[i]!, streaks[i]!)));
        for (const input of spec.inputs) obs.inputs[input.name] = { status: 'missing', file: input.file, error: 'is missing' };
        const result = check(spec, soaked(spec, phase), obs, NOW, { dryRun: true, trace: false });
        if (quality.some((q) => q !== 'fresh') || spec.inputs.some((i) => i.required)) {
          expect(['promote', 'complete']).not.toContain(result.record.decision);
        }
      },
    ), { numRuns: RUNS });
  }, PROPERTY_TIMEOUT_MS);

  it('a soaked rollout on fresh, healthy data does promote (the property above is not vacuous)', () => {
    const obs: Observations = { surfaces: { 'custom-command': surfaceObs('fresh', 0) }, inputs: { plan: { status: 'absent', file: 'release/plan.yaml' } } };
    expect(check(cc, soaked(cc, 0), obs, NOW, { dryRun: true }).record.decision).toBe('promote');
  });
});
