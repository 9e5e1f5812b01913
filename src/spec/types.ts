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

/** Where a header value or token comes from: never the spec text (it would land in reviews, logs and records). */
export type SecretRef = { env: string } | { file: string };

export interface PrometheusSource {
  kind: 'prometheus';
  /** Base URL of any Prometheus-compatible HTTP API (`/api/v1/query` is appended). */
  address: string;
  /** PromQL, with `{{rollout.name}}`, `{{phase.name}}`, `{{phase.index}}`, `{{phase.traffic}}` placeholders. */
  query: string;
  /** How a vector of several series becomes one value; null: more than one series is an error. */
  reduce: 'sum' | 'min' | 'max' | 'avg' | null;
  headers: Record<string, SecretRef>;
  bearerToken: SecretRef | null;
}

export interface HttpSource {
  kind: 'http';
  /** An http(s) URL answering JSON, with the same placeholders as a query. */
  url: string;
  /** RFC 6901 JSON pointer to the value ('' is the whole body). */
  pointer: string;
  headers: Record<string, SecretRef>;
  bearerToken: SecretRef | null;
}

export interface MetricSpec {
  name: string;
  description: string | null;
  source: PrometheusSource | HttpSource;
  timeoutMs: number;
  /** No data (an empty vector, a JSON null): hold (rules reading `value` error, never a rollback), or judge this value instead. */
  onNoData: 'hold' | { value: number };
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
  /** Fire on the Nth matching check within the phase, consecutive or not (null: only `consecutive` counts). */
  count: { matches: number; within: 'phase' } | null;
  /** Fire `action` after this many checks in a row at which `when` could not be evaluated (no data does not count). */
  onError: { consecutive: number; action: TriggerAction } | null;
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
  metrics: MetricSpec[];
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
  metricTimeoutMs: 5_000,
  inputRequired: true,
} as const;
