/** The typed, normalized spec every other part of rollgate reads (durations in ms, defaults filled). */

import type { SurfaceKind } from '../tau/surface-kind.js';
export type { SurfaceKind };
/** A json-logic expression, as written in the spec. */
export type Rule = unknown;

export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface SurfaceSpec {
  name: string;
  stateDir: string;
  /** null: staleness is not checked. */
  staleAfterMs: number | null;
  /** null: detected from state.json. */
  kind: SurfaceKind | null;
  description: string | null;
}

export interface InputSpec {
  name: string;
  file: string;
  required: boolean;
  format: 'json' | 'yaml';
  description: string | null;
}

import type { CronSpec } from '../time/cron-times.js';
export type { CronSpec };

export interface GateSpec {
  name: string;
  description: string | null;
  /** The phase that declares it (differs from the phase it applies in when inherited). */
  declaredIn: string;
  /** Surface names to evaluate it for, or null to evaluate it once. */
  each: string[] | null;
  rule: Rule;
  source: SourceRef;
}

export interface PhaseSpec {
  name: string;
  index: number;
  description: string | null;
  traffic: number;
  soakMs: number;
  minChecks: number;
  inherit: boolean;
  /** Every gate that applies in this phase: inherited ones first, then its own, in spec order. */
  gates: GateSpec[];
}

export type TriggerAction = 'rollback' | 'hold';
export type Severity = 'high' | 'medium' | 'low';

export interface TriggerSpec {
  name: string;
  description: string | null;
  each: string[] | null;
  /** null: every phase. */
  phases: string[] | null;
  when: Rule;
  consecutive: number;
  action: TriggerAction;
  severity: Severity;
  source: SourceRef;
}

export type HookSpec =
  | { kind: 'run'; argv: string[]; env: Record<string, string>; timeoutMs: number }
  | { kind: 'webhook'; url: string; headers: Record<string, string>; timeoutMs: number };

export type HookEvent = 'promote' | 'rollback' | 'complete';

export interface Spec {
  apiVersion: 'rollgate/v1';
  name: string;
  description: string | null;
  owner: string | null;
  labels: Record<string, string>;
  /** The file it was loaded from, as given. */
  file: string;
  /** `sha256:<hex>` of the file's bytes: decision records name the exact spec they used. */
  digest: string;
  surfaces: SurfaceSpec[];
  inputs: InputSpec[];
  schedule: CronSpec | null;
  promotionWindow: CronSpec | null;
  /** null: the producer's classification (tau-formats §4). */
  health: { failing: Rule; degraded: Rule } | null;
  phases: PhaseSpec[];
  triggers: TriggerSpec[];
  hooks: Record<HookEvent, HookSpec[]>;
}

export const DEFAULTS = {
  minChecks: 1,
  consecutive: 1,
  severity: 'medium' as Severity,
  timezone: 'UTC',
  hookTimeoutMs: 30_000,
  inputRequired: true,
} as const;
