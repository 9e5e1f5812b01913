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

/** `routing:` (one provider): where rollgate sets the canary's share of traffic. */
export type RoutingSpec =
  | {
      provider: 'haproxy';
      /** The stats socket at level admin: a unix socket path, or null when `address` is given. */
      socket: string | null;
      /** `host:port` of a TCP stats socket at level admin, or null. */
      address: string | null;
      backend: string;
      /** Server names in that backend. */
      stable: string;
      canary: string;
      timeoutMs: number;
    }
  | {
      provider: 'nginx';
      /** The include file rollgate writes (by temp file and rename), relative to the root. */
      include: string;
      /** The upstream's name (weights mode), or the prefix of the two upstreams (split_clients mode). */
      upstream: string;
      /** The `server` lines' addresses (and parameters), e.g. `127.0.0.1:8081`. */
      stable: string;
      canary: string;
      /** Sticky: a `split_clients` block keyed by `key` (e.g. `$cookie_user`) into `variable`; null: upstream weights. */
      splitClients: { key: string; variable: string } | null;
      /** Checks the configuration with the new file in place (default `nginx -t`); argv, no shell. */
      test: string[];
      /** Makes nginx load it gracefully (e.g. `nginx -s reload`); argv, no shell. */
      reload: string[];
      timeoutMs: number;
    }
  | {
      provider: 'command';
      /** Sets the weights: argv with `{{canary}}` and `{{stable}}` placeholders (also ROLLGATE_CANARY_WEIGHT, ROLLGATE_STABLE_WEIGHT). */
      run: string[];
      /** Prints the weights in effect as JSON `{"canary": 5, "stable": 95}`; null: set at every check. */
      read: string[] | null;
      env: Record<string, string>;
      timeoutMs: number;
    };

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
  /** null: nothing moves traffic but the hooks. */
  routing: RoutingSpec | null;
}

export const DEFAULTS = {
  minChecks: 1,
  consecutive: 1,
  severity: 'medium' as Severity,
  timezone: 'UTC',
  hookTimeoutMs: 30_000,
  metricTimeoutMs: 5_000,
  routingTimeoutMs: 10_000,
  nginxTest: ['nginx', '-t'],
  splitClientsVariable: '$rollgate_upstream',
  inputRequired: true,
} as const;
