/** Issue 14's repro rollout: surface `s` in ./s, a required harness report, canary-1 soaks 5m. */
import { writeFileSync } from 'node:fs';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { World } from './world.js';

export const T0 = 1771200600000;
export const T1 = T0 + 300000;

export const SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: false-pass }
surfaces:
  s: { stateDir: s, staleAfter: 15m }
inputs:
  report: { file: report.json, required: true }
phases:
  - name: canary-1
    traffic: 5
    soak: 5m
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: fresh, each: surfaces, rule: { and: [ { var: surface.present }, { "!": { var: surface.stale } } ] } }
      - { name: queue, each: surfaces, rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] } }
      - { name: no-hard-errors, each: surfaces, rule: { "==": [ { var: surface.events.phase.case_processing_failed }, 0 ] } }
      - { name: harness-failed, rule: { "==": [ { var: inputs.report.failed }, 0 ] } }
      - { name: harness-total, rule: { "==": [ { var: inputs.report.total }, 5 ] } }
      - { name: error-rate, rule: { "<=": [ { var: inputs.report.error_rate }, 0.01 ] } }
  - name: canary-2
    traffic: 25
    soak: 5m
    inherit: true
triggers:
  - { name: hard, each: surfaces, when: { ">": [ { var: surface.events.phase.case_processing_failed }, 0 ] }, action: rollback }
`;

export const HEALTHY_LINE = JSON.stringify({ reason_codes: ['healthy_cycle'], health_reason: 'no recent transport failures observed' }) + '\n';
export const HARD_LINE = JSON.stringify({ reason_codes: ['case_processing_failed'], health_reason: 'x' }) + '\n';
export const GOOD_REPORT = { failed: 0, total: 5, error_rate: 0.001 };

/** A world at T0: fresh state, one healthy line, a good report; the first check waits. */
export class Rollout {
  readonly w = new World();
  readonly spec: string;

  constructor() {
    this.spec = this.w.path('spec.yaml');
    writeFileSync(this.spec, SPEC);
    this.state(`{"health":{"updated_unix_ms":${T0}}}`);
    this.w.raw('s/runtime-events.jsonl', HEALTHY_LINE);
    this.w.json('report.json', GOOD_REPORT);
  }

  path(rel: string): string {
    return this.w.path(rel);
  }

  state(text: string): this {
    this.w.raw('s/state.json', text);
    return this;
  }

  /** The state at T1, as the producer would have rewritten it. */
  freshAtT1(extra = ''): this {
    return this.state(`{"health":{"updated_unix_ms":${T1 - 1000}}${extra}}`);
  }

  evaluate(nowMs: number) {
    return this.w.evaluate(this.spec, nowMs);
  }
}

let specCache: Spec | null = null;
export function loadedSpec(): Spec {
  if (specCache) return specCache;
  const r = loadSpecText(SPEC, 'spec.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return (specCache = r.spec);
}

