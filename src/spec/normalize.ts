/** Schema- and lint-clean spec data -> typed Spec: durations in ms, defaults filled, inheritance resolved. */
import { parseDuration } from '../time/duration.js';
import type { SourceMap } from './source-map.js';
import {
  DEFAULTS, type CronSpec, type GateSpec, type HookEvent, type HookSpec, type InputSpec, type PhaseSpec,
  type MetricSpec, type RoutingSpec, type SecretRef, type Spec, type SurfaceKind, type SurfaceSpec, type TriggerSpec,
} from './types.js';

/* The input has passed the schema and lint, so the shapes below hold; the casts only name them. */
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function normalizeSpec(data: Raw, file: string, digest: string, sourceMap: SourceMap): Spec {
  const surfaceNames = Object.keys(data.surfaces);
  const each = (value: unknown): string[] | null =>
    value === undefined ? null : value === 'surfaces' ? [...surfaceNames] : [...(value as string[])];
  const ms = (value: unknown, fallback: number): number => (value === undefined ? fallback : parseDuration(value)!);
  const source = (path: (string | number)[]) => ({ file, ...sourceMap.locate(path) });

  const surfaces: SurfaceSpec[] = Object.entries(data.surfaces as Raw).map(([name, s]) => ({
    name,
    stateDir: s.stateDir,
    staleAfterMs: s.staleAfter === undefined ? null : parseDuration(s.staleAfter),
    kind: (s.kind as SurfaceKind | undefined) ?? null,
    description: s.description ?? null,
  }));

  const inputs: InputSpec[] = Object.entries((data.inputs ?? {}) as Raw).map(([name, i]) => ({
    name,
    file: i.file,
    required: i.required ?? DEFAULTS.inputRequired,
    format: i.format ?? (/\.json$/i.test(i.file) ? 'json' : 'yaml'),
    description: i.description ?? null,
  }));

  const secret = (r: Raw): SecretRef => (r.env !== undefined ? { env: r.env } : { file: r.file });
  const headers = (h: Raw | undefined): Record<string, SecretRef> => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, secret(v as Raw)]));
  const metrics: MetricSpec[] = Object.entries((data.metrics ?? {}) as Raw).map(([name, m]) => ({
    name,
    description: m.description ?? null,
    source: m.prometheus
      ? { kind: 'prometheus', address: m.prometheus.address, query: m.prometheus.query, reduce: m.prometheus.reduce ?? null, headers: headers(m.prometheus.headers), bearerToken: m.prometheus.bearerToken ? secret(m.prometheus.bearerToken) : null }
      : { kind: 'http', url: m.http.url, pointer: m.http.pointer, headers: headers(m.http.headers), bearerToken: m.http.bearerToken ? secret(m.http.bearerToken) : null },
    timeoutMs: ms(m.timeout, DEFAULTS.metricTimeoutMs),
    onNoData: typeof m.onNoData === 'number' ? { value: m.onNoData } : 'hold',
  }));

  const rawPhases = data.phases as Raw[];
  const declared: GateSpec[][] = rawPhases.map((p, i) =>
    ((p.gates ?? []) as Raw[]).map((g, j) => ({
      name: g.name,
      description: g.description ?? null,
      declaredIn: p.name,
      each: each(g.each),
      rule: g.rule,
      source: source(['phases', i, 'gates', j, 'rule']),
    })),
  );
  const gatePhases = rawPhases.map((p) => ((p.gates ?? []) as Raw[]).map((g) => (g.phases as string[] | undefined) ?? null));

  /** Does phase k still carry the gates declared in phase d (d <= k) through `inherit`? */
  const inherits = (k: number, d: number): boolean => {
    for (let m = k; m > d; m--) if (rawPhases[m]!.inherit !== true) return false;
    return true;
  };

  const phases: PhaseSpec[] = rawPhases.map((p, k) => {
    const gates: GateSpec[] = [];
    declared.forEach((list, d) =>
      list.forEach((gate, j) => {
        const only = gatePhases[d]![j]!;
        if (only ? only.includes(p.name) : d <= k && inherits(k, d)) gates.push(gate);
      }),
    );
    return {
      name: p.name,
      index: k,
      description: p.description ?? null,
      traffic: p.traffic,
      soakMs: ms(p.soak, 0),
      minChecks: p.minChecks ?? DEFAULTS.minChecks,
      inherit: p.inherit === true,
      gates,
    };
  });

  const triggers: TriggerSpec[] = ((data.triggers ?? []) as Raw[]).map((t, i) => ({
    name: t.name,
    description: t.description ?? null,
    each: each(t.each),
    phases: t.phases ?? null,
    when: t.when,
    // A trigger that counts within the phase fires on its count (a streak of that length is also that count).
    consecutive: t.consecutive ?? t.count ?? DEFAULTS.consecutive,
    count: t.count !== undefined ? { matches: t.count, within: t.within ?? 'phase' } : null,
    onError: t.onError ? { consecutive: t.onError.consecutive, action: t.onError.action } : null,
    action: t.action,
    severity: t.severity ?? DEFAULTS.severity,
    source: source(['triggers', i, 'when']),
  }));

  const hook = (h: Raw): HookSpec =>
    h.run !== undefined
      ? { kind: 'run', argv: [...h.run], env: { ...(h.env ?? {}) }, timeoutMs: ms(h.timeout, DEFAULTS.hookTimeoutMs) }
      : { kind: 'webhook', url: h.webhook, headers: { ...(h.headers ?? {}) }, timeoutMs: ms(h.timeout, DEFAULTS.hookTimeoutMs) };
  const hooks = {} as Record<HookEvent, HookSpec[]>;
  for (const event of ['promote', 'rollback', 'complete'] as const) hooks[event] = ((data.hooks?.[event] ?? []) as Raw[]).map(hook);

  const cron = (c: Raw | undefined): CronSpec | null => (c ? { cron: c.cron, timezone: c.timezone ?? DEFAULTS.timezone } : null);

  return {
    apiVersion: 'rollgate/v1',
    name: data.metadata.name,
    description: data.metadata.description ?? null,
    owner: data.metadata.owner ?? null,
    labels: { ...(data.metadata.labels ?? {}) },
    file,
    digest,
    surfaces,
    inputs,
    metrics,
    schedule: cron(data.schedule),
    promotionWindow: cron(data.promotionWindow),
    health: data.health ? { failing: data.health.failing, degraded: data.health.degraded } : null,
    phases,
    triggers,
    hooks,
    routing: routingOf(data.routing, ms),
  };
}

function routingOf(r: Raw | undefined, ms: (value: unknown, fallback: number) => number): RoutingSpec | null {
  if (!r) return null;
  const timeoutMs = ms(r.timeout, DEFAULTS.routingTimeoutMs);
  if (r.haproxy) {
    const h = r.haproxy;
    return { provider: 'haproxy', socket: h.socket ?? null, address: h.address ?? null, backend: h.backend, stable: h.stable, canary: h.canary, timeoutMs };
  }
  if (r.nginx) {
    const n = r.nginx;
    const split = n.splitClients ? { key: n.splitClients.key, variable: n.splitClients.variable ?? DEFAULTS.splitClientsVariable } : null;
    return { provider: 'nginx', include: n.include, upstream: n.upstream, stable: n.stable, canary: n.canary, splitClients: split, test: [...(n.test ?? DEFAULTS.nginxTest)], reload: [...n.reload], timeoutMs };
  }
  const c = r.command;
  return { provider: 'command', run: [...c.run], read: c.read ? [...c.read] : null, env: { ...(c.env ?? {}) }, timeoutMs };
}
