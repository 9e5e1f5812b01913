/**
 * One decision record for the renderer tests: a rollback of specs/custom-command.yaml in
 * canary-2, with a passing, a failing and an erroring gate, a fired, a quiet and an erroring
 * trigger, a degraded surface, a hook that ran and one that failed, and a note.
 */
import { readFileSync } from 'node:fs';
import type { DecisionRecord } from '../../src/engine/record.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { ROOT } from '../helpers/paths.js';

export const SPEC_FILE = 'specs/custom-command.yaml';

export function fixtureSpec(): Spec {
  const r = loadSpecText(readFileSync(ROOT + SPEC_FILE), SPEC_FILE);
  if (!r.spec) throw new Error(`${SPEC_FILE} does not load: ${JSON.stringify(r.diagnostics)}`);
  return r.spec;
}

/** Where specs/custom-command.yaml writes a rule (decision-renderers.test.ts checks these against the spec). */
const at = (line: number, col: number) => ({ file: SPEC_FILE, line, col });

export const RECORD: DecisionRecord = {
  schema_version: 1,
  rollout: 'custom-command',
  check: 7,
  evaluated_unix_ms: Date.parse('2026-02-16T10:30:00Z'),
  decision: 'rollback',
  rollout_gate: 'hold',
  status: 'rolled_back',
  phase: { name: 'canary-2', index: 1, traffic: 25 },
  previous_phase: null,
  reasons: [
    'trigger health-regression [custom-command] fired: surface.health_state is "degraded" on 2 consecutive checks',
    'gate no-failure-streak [custom-command] failed: surface.health.failure_streak is 2, not 0',
  ],
  gates: [
    { name: 'healthy', phase: 'canary-1', surface: 'custom-command', result: 'pass', message: 'surface.rollout_gate is "pass"', trace: ['== ["pass", "pass"] → true'], source: at(50, 15) },
    { name: 'no-failure-streak', phase: 'canary-1', surface: 'custom-command', result: 'fail', message: 'surface.health.failure_streak is 2, not 0', trace: ['var surface.health.failure_streak → 2', '== [2, 0] → false'], source: at(57, 15) },
    { name: 'runs-advancing', phase: 'canary-2', surface: null, result: 'error', message: 'surfaces.custom-command.events.check.command_runs_recorded <= nothing: the log was unreadable & skipped', trace: ['var surfaces.custom-command.events.check.command_runs_recorded → (missing)'], source: at(81, 15) },
  ],
  triggers: [
    { name: 'health-regression', surface: 'custom-command', matched: true, streak: 2, consecutive: 2, fired: true, action: 'rollback', severity: 'high', message: 'surface.health_state is "degraded"', trace: ['in ["degraded", ["degraded", "failing"]] → true'], source: at(112, 11) },
    { name: 'failure-streak-breach', surface: 'custom-command', matched: false, streak: 0, consecutive: 1, fired: false, action: 'rollback', severity: 'high', message: 'surface.health.failure_streak is 2, under 3', trace: ['>= [2, 3] → false'], source: at(119, 11) },
    { name: 'hard-runtime-errors', surface: 'custom-command', matched: null, streak: 0, consecutive: 1, fired: false, action: 'rollback', severity: 'high', message: 'surface.events.phase.case_processing_failed is missing', trace: ['var surface.events.phase.case_processing_failed → (missing)'], source: at(127, 7) },
  ],
  surfaces: {
    'custom-command': { present: true, stale: false, health_state: 'degraded', health_reason: 'failure_streak=2 | transport errors', rollout_gate: 'hold', paused: false },
  },
  soak: { required_ms: 3_600_000, held_ms: 1_500_000, remaining_ms: 2_100_000, passing_checks: 3, min_checks: 1 },
  next: 'the rollout is rolled back; start it again with a new spec digest or rollgate control reset',
  notes: ['runtime-events.jsonl of custom-command was rotated since the previous check; both files were read'],
  hooks: [
    { event: 'rollback', hook: './scripts/demo/set-weight.sh custom-command 0', ok: true, message: 'exited 0' },
    { event: 'rollback', hook: 'https://hooks.example.com/rollgate', ok: false, message: 'HTTP 500 Internal Server Error' },
  ],
  dry_run: false,
  spec_digest: 'sha256:' + 'ab'.repeat(32),
};
