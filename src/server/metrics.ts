/**
 * `GET /metrics` of `rollgate serve`: the Prometheus text exposition format, written by
 * prom-client into a registry of its own (never the global one).
 *
 * Every value comes from what the dashboard built at its last refresh (the widgets payload: the
 * rollout views, the next-check preview, the journal history it already loads): a scrape reads
 * no file and runs no check. The request counts and the open streams are the server's own.
 *
 * prom-client is loaded at the first scrape, through createRequire: it is not in the CLI bundle
 * (dist/bundle/rollgate.cjs), so no command's start-up reads it, and `serve` pays for it only
 * once something scrapes. Default process metrics are not collected: they keep a GC observer and
 * an event-loop histogram running for ~30 series nobody asked rollgate for (node_exporter or the
 * process supervisor has them); every series here is about rollouts or this server.
 *
 * Metric and label names are fixed strings. Label values are spec names (the spec schema allows
 * only letters, digits, `-`, `_` and `.` in rollout, phase, gate, trigger and surface names),
 * fixed vocabularies (status, decision, result, side) or the endpoint list (unknown request
 * paths are `other`): nothing the producer writes, and no request text, becomes a label.
 */
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { Dashboard } from './dashboard.js';
import { HISTORY_RECORDS } from './rollout-view.js';

type Prom = typeof PromClient;
type Widgets = Dashboard['current']['widgets'];

const STATUSES = ['progressing', 'paused', 'rolled_back', 'complete', 'not_started'] as const;
const DECISIONS = ['promote', 'wait', 'hold', 'rollback', 'complete'] as const;
const GATE_RESULTS = ['pass', 'fail', 'error'] as const;
const ROLLOUT_GATES = ['pass', 'hold'] as const;

/** The numbers a scrape shows besides the dashboard's payloads. */
export interface MetricsSource {
  widgets: Widgets;
  /** The dashboard's clock now (ages are measured against it). */
  nowMs: number;
  sseClients: number;
  /** Dashboard rebuilds so far (its snapshot sequence). */
  rebuilds: number;
  /** Responses by endpoint label and status. */
  requests: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

let prom: Prom | null = null;
function loadProm(): Prom {
  return (prom ??= createRequire(import.meta.url)('prom-client') as Prom);
}

/** The registry and its metrics, made at the first scrape; each scrape sets every value again. */
class MetricSet {
  readonly registry: PromClient.Registry;
  private readonly gauges: PromClient.Gauge[] = [];
  readonly up; readonly dataAge; readonly phaseIndex; readonly traffic; readonly trafficDesired; readonly trafficActual;
  readonly status; readonly rolloutGate; readonly nextDecision; readonly checks; readonly decisions;
  readonly gateResult; readonly triggerStreak; readonly surfaceAge; readonly sseClients;
  readonly requests; readonly rebuilds;

  constructor(p: Prom) {
    const registry = (this.registry = new p.Registry());
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => {
      const g = new p.Gauge<L>({ name, help, labelNames, registers: [registry] });
      this.gauges.push(g as unknown as PromClient.Gauge);
      return g;
    };
    const R = ['rollout'] as const;
    this.up = gauge('rollgate_rollout_up', 'Whether the last refresh read the rollout whole (1) or failed or found its store unreadable (0); while 0 the other rollgate_rollout_* series show the last data read whole, or are absent when nothing was.', R);
    this.dataAge = gauge('rollgate_rollout_data_age_seconds', 'Seconds since the rollout was last read whole by the dashboard (it refreshes when a file changes and at least every 30 s).', R);
    this.phaseIndex = gauge('rollgate_rollout_phase_index', 'Index of the current phase in the spec, from 0.', R);
    this.traffic = gauge('rollgate_rollout_traffic_percent', 'Percent of traffic the current phase gives the canary (0 after a rollback).', R);
    this.trafficDesired = gauge('rollgate_rollout_traffic_desired_percent', 'With routing: the split the phase wants on the load balancer, by side (canary, stable), as the next check would set it (dry run).', ['rollout', 'side']);
    this.trafficActual = gauge('rollgate_rollout_traffic_actual_percent', 'With routing: the split the load balancer has now, by side (canary, stable); absent when it cannot be read.', ['rollout', 'side']);
    this.status = gauge('rollgate_rollout_status', 'The rollout status as a state set: 1 for the current status, 0 for the others.', ['rollout', 'status']);
    this.rolloutGate = gauge('rollgate_rollout_gate', 'The rollout gate of /dashboard/health as a state set (pass, hold): the last check\'s (before the first check, the next one\'s), hold while paused, rolled back or not refreshing.', ['rollout', 'state']);
    this.nextDecision = gauge('rollgate_rollout_next_decision', 'What a check would decide now (the dashboard\'s dry-run preview at its last refresh), as a state set.', ['rollout', 'decision']);
    this.checks = gauge('rollgate_rollout_checks', 'Checks recorded in the rollout\'s journal (the number of its last record).', R);
    this.decisions = gauge('rollgate_decisions', `Decisions by kind among the journal's last ${HISTORY_RECORDS} records (the dashboard's history window, not the whole journal: old records leave it, so this is a gauge, not a counter).`, ['rollout', 'decision']);
    this.gateResult = gauge('rollgate_gate_result', 'Gates of the current phase as the next check would judge them (dry run): 1 for the gate\'s result (pass, fail or error), 0 for the others; surface is empty for a gate without each.', ['rollout', 'gate', 'phase', 'surface', 'result']);
    this.triggerStreak = gauge('rollgate_trigger_streak', 'Consecutive matching checks of each trigger, counting the next check (dry run); surface is empty for a trigger without each.', ['rollout', 'trigger', 'surface']);
    this.surfaceAge = gauge('rollgate_surface_age_seconds', 'Age of each surface\'s state.json data (its health.updated_unix_ms) now; negative when the producer\'s clock is ahead; absent when the surface has no readable state.', ['rollout', 'surface']);
    this.sseClients = gauge('rollgate_sse_clients', 'Open /dashboard/stream connections.', []);
    this.requests = new p.Counter({ name: 'rollgate_http_requests_total', help: 'HTTP responses of this server by endpoint (unknown paths are "other") and status ("none": closed before any answer), counted when they end (a stream when it closes).', labelNames: ['path', 'status'] as const, registers: [registry] });
    this.rebuilds = new p.Counter({ name: 'rollgate_dashboard_rebuilds_total', help: 'Times the dashboard read every rollout again (file changes, actions, the refresh interval).', registers: [registry] });
  }

  fill(s: MetricsSource): void {
    for (const g of this.gauges) g.reset();
    this.requests.reset();
    this.rebuilds.reset();
    this.sseClients.set(s.sseClients);
    this.rebuilds.inc(s.rebuilds);
    for (const [path, byStatus] of s.requests) for (const [status, n] of byStatus) this.requests.inc({ path, status }, n);

    for (const r of s.widgets.rollouts) {
      const rollout = r.rollout;
      const readWhole = r.last_good_unix_ms !== null && r.error === null;
      this.up.set({ rollout }, readWhole && r.refresh_error === null ? 1 : 0);
      if (r.last_good_unix_ms !== null) this.dataAge.set({ rollout }, seconds(s.nowMs - r.last_good_unix_ms));
      // Never read whole, or a store that cannot be read: there is no state to show.
      if (!readWhole) continue;
      this.phaseIndex.set({ rollout }, r.phase.index);
      this.traffic.set({ rollout }, r.phase.traffic);
      if (r.traffic) {
        for (const side of ['canary', 'stable'] as const) {
          this.trafficDesired.set({ rollout, side }, r.traffic.desired[side]);
          if (r.traffic.actual) this.trafficActual.set({ rollout, side }, r.traffic.actual[side]);
        }
      }
      for (const status of STATUSES) this.status.set({ rollout, status }, r.status === status ? 1 : 0);
      for (const state of ROLLOUT_GATES) this.rolloutGate.set({ rollout, state }, r.rollout_gate === state ? 1 : 0);
      if (r.next_decision) for (const decision of DECISIONS) this.nextDecision.set({ rollout, decision }, r.next_decision.decision === decision ? 1 : 0);
      this.checks.set({ rollout }, r.last_decision?.check ?? 0);
      const counts = new Map<string, number>(DECISIONS.map((d) => [d, 0]));
      for (const h of r.history) counts.set(h.decision, (counts.get(h.decision) ?? 0) + 1);
      for (const [decision, n] of counts) this.decisions.set({ rollout, decision }, n);
      for (const g of r.gates) {
        for (const result of GATE_RESULTS) this.gateResult.set({ rollout, gate: g.name, phase: g.phase, surface: g.surface ?? '', result }, g.result === result ? 1 : 0);
      }
      for (const t of r.triggers) this.triggerStreak.set({ rollout, trigger: t.name, surface: t.surface ?? '' }, t.streak);
      const builtAgo = s.nowMs - s.widgets.generated_unix_ms;
      for (const x of r.surfaces) if (x.age_ms !== null) this.surfaceAge.set({ rollout, surface: x.name }, (x.age_ms + builtAgo) / 1000);
    }
  }
}

/** A duration on the server's own clock, never below 0. */
const seconds = (ms: number) => Math.max(0, ms) / 1000;

/** The server's request counts, and the exposition of everything at a scrape. */
export class ServerMetrics {
  private readonly requests = new Map<string, Map<string, number>>();
  private set: MetricSet | null = null;

  constructor(private readonly endpoints: ReadonlySet<string>) {}

  /** The path label of a request: a known endpoint, else `other` (a request's text never becomes a label). */
  pathLabel(url: string | undefined): string {
    let path: string;
    try {
      path = new URL(url ?? '/', 'http://localhost').pathname;
    } catch {
      return 'other';
    }
    return this.endpoints.has(path) ? path : 'other';
  }

  count(path: string, status: string): void {
    let byStatus = this.requests.get(path);
    if (!byStatus) this.requests.set(path, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** The text exposition of the dashboard's last build and this server's counts. */
  async render(source: Omit<MetricsSource, 'requests'>): Promise<{ contentType: string; body: string }> {
    const set = (this.set ??= new MetricSet(loadProm()));
    // Filled and written in one go: the awaits inside metrics() are microtasks, so no request
    // or rebuild runs between the fill and the text.
    set.fill({ ...source, requests: this.requests });
    return { contentType: set.registry.contentType, body: await set.registry.metrics() };
  }
}

/** The exposition of given data (tests: odd label values); the same code as a scrape. */
export async function renderMetrics(source: MetricsSource): Promise<string> {
  const set = new MetricSet(loadProm());
  set.fill(source);
  return set.registry.metrics();
}
