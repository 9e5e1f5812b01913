/**
 * The dashboard payloads (DESIGN §7), built from rollout views. Pure: views and `now` in,
 * JSON out, every payload with `schema_version: 1`.
 */
import type { DecisionRecord } from '../engine/record.js';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import type { SurfaceTimeline } from './queue-timeline.js';
import type { RolloutView } from './rollout-view.js';

export type Severity = 'critical' | 'warning' | 'info';
export type Overall = 'ok' | 'warning' | 'critical';

export interface Alert {
  severity: Severity;
  rollout: string;
  surface: string | null;
  kind: string;
  message: string;
}

/**
 * How current each rollout's data is: a refresh that failed leaves the last good view in place,
 * and every payload says so (an alert, `overall` critical, the age of what is shown).
 */
export interface Freshness {
  /** Why the last refresh of this rollout failed (a sentence), or null when it worked. */
  error: string | null;
  /** When this rollout was last read whole, or null when it never was. */
  lastGoodMs: number | null;
}
export type FreshnessMap = ReadonlyMap<string, Freshness>;

const FRESH: Freshness = { error: null, lastGoodMs: null };
function freshnessOf(f: FreshnessMap, v: RolloutView, nowMs: number) {
  const x = f.get(v.spec.name) ?? { ...FRESH, lastGoodMs: nowMs };
  return { refresh_error: x.error, last_good_unix_ms: x.lastGoodMs, data_age_ms: x.lastGoodMs === null ? null : nowMs - x.lastGoodMs };
}

/** The oldest data shown: null when some rollout was never read. */
function oldest(views: RolloutView[], f: FreshnessMap, nowMs: number) {
  let last: number | null = nowMs;
  for (const v of views) {
    const x = f.get(v.spec.name);
    if (!x) continue;
    if (x.lastGoodMs === null) last = null;
    else if (last !== null) last = Math.min(last, x.lastGoodMs);
  }
  return { last_good_unix_ms: last, data_age_ms: last === null ? null : nowMs - last };
}

/** One critical alert per rollout whose refresh failed, naming it and the error. */
export function refreshAlerts(views: RolloutView[], f: FreshnessMap): Alert[] {
  const out: Alert[] = [];
  for (const v of views) {
    const x = f.get(v.spec.name);
    if (!x?.error) continue;
    const shown = x.lastGoodMs === null ? 'nothing could be read yet' : `showing what was read at ${new Date(x.lastGoodMs).toISOString()}`;
    out.push({ severity: 'critical', rollout: v.spec.name, surface: null, kind: 'refresh-failed', message: `${v.spec.name}: the dashboard cannot refresh this rollout: ${x.error}; ${shown}` });
  }
  return out;
}

const statusOf = (v: RolloutView) => v.state?.status ?? 'not_started';
/** The rollout's gate now: what the last check said, hold while paused or unreadable. */
function gateOf(v: RolloutView): 'pass' | 'hold' {
  if (v.error || !v.preview) return 'hold';
  if (v.state?.pause || v.state?.status === 'rolled_back') return 'hold';
  return v.state?.last_decision ? (v.state.last_decision === 'hold' || v.state.last_decision === 'rollback' ? 'hold' : 'pass') : v.preview.rollout_gate;
}

/** `alerts`: alertsOf(views), which the caller has anyway (the alerts payload). */
export function healthPayload(views: RolloutView[], nowMs: number, alerts: Alert[], freshness: FreshnessMap = new Map()) {
  const overall: Overall = alerts.some((a) => a.severity === 'critical') ? 'critical' : alerts.some((a) => a.severity === 'warning') ? 'warning' : 'ok';
  return {
    schema_version: 1 as const,
    generated_unix_ms: nowMs,
    overall,
    ...oldest(views, freshness, nowMs),
    rollouts: views.map((v) => ({
      rollout: v.spec.name,
      status: statusOf(v),
      phase: v.preview ? { name: v.state?.phase.name ?? v.preview.phase.name, index: v.state?.phase.index ?? 0, traffic: trafficOf(v) } : null,
      last_decision: v.state?.last_decision ?? null,
      // Data that could not be refreshed holds, like data that could not be read.
      rollout_gate: freshness.get(v.spec.name)?.error ? 'hold' : gateOf(v),
      surfaces: Object.fromEntries(Object.entries(v.preview?.surfaces ?? {}).map(([name, s]) => [name, { health_state: s.health_state, rollout_gate: s.rollout_gate, present: s.present, stale: s.stale, paused: s.paused }])),
      error: v.error,
      ...freshnessOf(freshness, v, nowMs),
    })),
  };
}

function trafficOf(v: RolloutView): number {
  const phase = v.spec.phases.find((p) => p.name === v.state?.phase.name) ?? v.spec.phases[0]!;
  return v.state?.status === 'rolled_back' ? 0 : phase.traffic;
}

export function widgetsPayload(views: RolloutView[], nowMs: number, freshness: FreshnessMap = new Map()) {
  return {
    schema_version: 1 as const,
    generated_unix_ms: nowMs,
    rollouts: views.map((v) => {
      const current = v.state?.phase.index ?? 0;
      const done = v.state?.status === 'complete';
      const p = v.preview;
      const last = v.history[v.history.length - 1] ?? null;
      return {
        rollout: v.spec.name,
        spec: v.spec.file,
        description: v.spec.description,
        status: statusOf(v),
        rollout_gate: freshness.get(v.spec.name)?.error ? 'hold' : gateOf(v),
        error: v.error,
        ...freshnessOf(freshness, v, nowMs),
        phase: { name: v.state?.phase.name ?? v.spec.phases[0]!.name, index: current, traffic: trafficOf(v) },
        phases: v.spec.phases.map((ph) => ({ name: ph.name, traffic: ph.traffic, soak_ms: ph.soakMs, state: done || ph.index < current ? 'done' : ph.index === current ? 'current' : 'pending' })),
        soak: p?.soak ?? null,
        pause: v.state?.pause ? { actor: v.state.pause.actor, reason: v.state.pause.reason, since_unix_ms: v.state.pause.since_unix_ms } : null,
        next_decision: p ? { decision: p.decision, reasons: p.reasons, next: p.next } : null,
        // Read-only (the preview is a dry run): what the load balancer has and what the phase wants; null without `routing:`.
        traffic: p?.routing ? { provider: p.routing.provider, target: p.routing.target, desired: p.routing.desired, actual: p.routing.actual, error: p.routing.error } : null,
        last_decision: last ? { check: last.check, decision: last.decision, evaluated_unix_ms: last.evaluated_unix_ms, reasons: last.reasons, override: last.override ?? null } : null,
        gates: (p?.gates ?? []).map((g) => ({ name: g.name, phase: g.phase, surface: g.surface, result: g.result, message: g.message })),
        triggers: (p?.triggers ?? []).map((t) => ({ name: t.name, surface: t.surface, matched: t.matched, streak: t.streak, consecutive: t.consecutive, fired: t.fired, action: t.action, severity: t.severity, message: t.message })),
        surfaces: surfaceRows(v),
        history: v.history.map(historyPoint),
      };
    }),
  };
}

function surfaceRows(v: RolloutView) {
  return v.spec.surfaces.map((s) => {
    const summary = v.preview?.surfaces[s.name];
    const ctx = v.preview ? v.previewContexts?.[s.name] : undefined;
    return {
      name: s.name,
      kind: ctx?.kind ?? s.kind ?? 'unknown',
      present: summary?.present ?? false,
      stale: summary?.stale ?? false,
      age_ms: ctx?.age_ms ?? null,
      health_state: summary?.health_state ?? 'unknown',
      health_reason: summary?.health_reason ?? 'not read',
      rollout_gate: summary?.rollout_gate ?? 'hold',
      paused: summary?.paused ?? false,
      queue_depth: ctx?.health.queue_depth ?? null,
      failure_streak: ctx?.health.failure_streak ?? null,
      invalid_lines: ctx?.invalid_lines ?? 0,
    };
  });
}

const historyPoint = (r: DecisionRecord) => ({ t: r.evaluated_unix_ms, check: r.check, decision: r.decision, phase: r.phase.name, index: r.phase.index, traffic: r.decision === 'rollback' ? 0 : r.phase.traffic, override: r.override?.action ?? null });

export function alertsPayload(alerts: Alert[], nowMs: number) {
  return { schema_version: 1 as const, generated_unix_ms: nowMs, alerts };
}

/** Everything an on-call engineer should look at, worst first. */
export function alertsOf(views: RolloutView[]): Alert[] {
  const out: Alert[] = [];
  for (const v of views) {
    const rollout = v.spec.name;
    const add = (severity: Severity, kind: string, message: string, surface: string | null = null) => out.push({ severity, rollout, surface, kind, message });
    if (v.error) {
      add('critical', 'store-unreadable', `${rollout}: ${v.error}`);
      continue;
    }
    if (v.state?.status === 'rolled_back') add('critical', 'rolled-back', `${rollout} was rolled back: ${v.state.terminal?.reasons[0] ?? 'see the journal'}`);
    if (v.state?.pause) add('warning', 'paused', `${rollout} is paused by ${v.state.pause.actor}: ${v.state.pause.reason}`);
    for (const s of v.spec.surfaces) {
      const summary = v.preview?.surfaces[s.name];
      const ctx = v.previewContexts?.[s.name];
      if (!summary) continue;
      if (!summary.present) add('critical', 'missing-state', `${rollout}/${s.name}: ${summary.health_reason}`, s.name);
      else if (summary.stale) add('critical', 'stale-state', `${rollout}/${s.name}: ${summary.health_reason}`, s.name);
      else if (summary.health_state === 'failing') add('critical', 'surface-failing', `${rollout}/${s.name} is failing: ${summary.health_reason}`, s.name);
      else if (summary.health_state === 'degraded' && !summary.paused) add('warning', 'surface-degraded', `${rollout}/${s.name} is degraded: ${summary.health_reason}`, s.name);
      // paused is also true for a control-state.json that says neither running nor paused (it holds the same way).
      if (summary.paused) add('warning', 'surface-paused', summary.health_reason.startsWith(`${CONTROL_STATE_FILE} `) ? `${rollout}/${s.name}: ${summary.health_reason}` : `${rollout}/${s.name} is paused by its operator (control-state.json)`, s.name);
      if (ctx && ctx.invalid_lines > 0) add('info', 'invalid-lines', `${rollout}/${s.name}: ${ctx.invalid_lines} invalid line${ctx.invalid_lines === 1 ? '' : 's'} in runtime-events.jsonl (skipped, counted)`, s.name);
    }
    if (v.state?.status === 'rolled_back' || v.state?.status === 'complete') continue;
    for (const t of v.preview?.triggers ?? []) {
      if (t.fired) add(t.action === 'rollback' ? 'critical' : 'warning', 'trigger-fired', `${rollout}: trigger ${t.name}${t.surface ? ` (${t.surface})` : ''} would fire now (${t.action}): ${t.message}`, t.surface);
      else if (t.matched && t.streak > 0) add('warning', 'trigger-streak', `${rollout}: trigger ${t.name}${t.surface ? ` (${t.surface})` : ''} matched ${t.streak} of ${t.consecutive} consecutive checks`, t.surface);
      else if (t.matched === null) add('warning', 'trigger-error', `${rollout}: trigger ${t.name}${t.surface ? ` (${t.surface})` : ''} ${t.message.startsWith("cannot be evaluated") ? t.message : `errors: ${t.message}`}`, t.surface);
    }
    for (const g of v.preview?.gates ?? []) {
      if (g.result !== 'pass') add('warning', g.result === 'error' ? 'gate-error' : 'gate-failing', `${rollout}: gate ${g.name}${g.surface ? ` (${g.surface})` : ''} ${g.result === 'error' ? 'cannot be evaluated' : 'fails'}: ${g.message}`, g.surface);
    }
  }
  const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export function queueTimelinePayload(views: RolloutView[], timelines: Map<string, Map<string, SurfaceTimeline>>, nowMs: number) {
  return {
    schema_version: 1 as const,
    generated_unix_ms: nowMs,
    rollouts: views.map((v) => ({
      rollout: v.spec.name,
      surfaces: v.spec.surfaces.map((s) => {
        const t = timelines.get(v.spec.name)?.get(s.name);
        return { name: s.name, reports: t?.reports ?? [], reason_codes: t?.reason_codes ?? {}, invalid_lines: t?.invalid_lines ?? 0 };
      }),
    })),
  };
}
