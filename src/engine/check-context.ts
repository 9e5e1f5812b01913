/**
 * DESIGN §4 step 3 as the rules see it: every surface's context (health, windows, doubt) and
 * every input, built from what the edge observed and what the state remembers.
 */
import { RUNNING, type Observations } from './observations.js';
import { eventWindows } from './event-windows.js';
import { emptyTally } from './log-tally.js';
import { buildSurfaceContext, type SurfaceContext } from './surface-context.js';
import { readMetric, type MetricContext, type MetricDoubt, type MetricEvidence } from './metric-context.js';
import type { PhaseSpec, Spec } from '../spec/types.js';
import type { CheckContext } from './rule-context.js';
import type { RolloutState } from './state.js';
import { unknownWindows, type WindowName } from './window-doubt.js';

/** The data rules read at a check; observation notes worth knowing are pushed onto `notes`. */
export function buildContexts(spec: Spec, state: RolloutState, obs: Observations, nowMs: number, phase: PhaseSpec, notes: string[]): CheckContext {
  const surfaces: Record<string, SurfaceContext> = {};
  const unusableSurfaces = new Map<string, string>();
  const doubtful = new Map<string, Map<WindowName, string>>();
  for (const s of spec.surfaces) {
    const seen = obs.surfaces[s.name];
    const memory = state.surfaces[s.name];
    const total = seen?.events.cursor.tally ?? emptyTally();
    const windows = eventWindows(total, {
      phaseEntry: memory?.phase_entry ?? null,
      lastCheck: memory?.last_check ?? null,
      checkBefore: memory?.check_before ?? null,
    });
    const unknown = unknownWindows(windows, total, memory?.accepted_doubt);
    // Lines not settled at this read (an unfinished one that may carry codes): every window that will hold them.
    const unsettled = seen?.events.unsettled;
    if (unsettled) for (const w of ['total', 'phase', 'check'] as const) if (!unknown.has(w)) unknown.set(w, unsettled);
    if (unknown.size > 0) doubtful.set(s.name, unknown);
    const context = buildSurfaceContext(
      { name: s.name, kind: s.kind, staleAfterMs: s.staleAfterMs, healthRules: spec.health },
      {
        state: seen?.state ?? { present: false, reason: 'the surface was not observed' },
        control: seen?.control ?? { ...RUNNING },
        events: { present: seen?.events.present ?? false, total, windows, unknown },
      },
      nowMs,
    );
    surfaces[s.name] = context;
    if (!context.present || context.stale) unusableSurfaces.set(s.name, context.health_reason);
    for (const note of seen?.events.notes ?? []) notes.push(`surface \`${s.name}\`: ${note}`);
    if (seen?.control.note) notes.push(`surface \`${s.name}\`: ${seen.control.note}`);
  }
  const inputs: Record<string, unknown> = {};
  const unusableInputs = new Map<string, string>();
  for (const input of spec.inputs) {
    const seen = obs.inputs[input.name];
    if (seen?.status === 'loaded') inputs[input.name] = seen.value;
    else if (seen?.status === 'absent') inputs[input.name] = null;
    else {
      const why = seen ? `(${seen.file}) ${seen.error}` : 'was not read';
      unusableInputs.set(input.name, why);
      notes.push(`input \`${input.name}\` ${why}`);
    }
  }
  const metrics: Record<string, MetricContext> = {};
  const metricDoubt = new Map<string, MetricDoubt>();
  const metricEvidence: Record<string, MetricEvidence> = {};
  for (const metric of spec.metrics ?? []) {
    const read = readMetric(metric, obs.metrics?.[metric.name], nowMs);
    metrics[metric.name] = read.context;
    metricEvidence[metric.name] = read.evidence;
    if (read.doubt) metricDoubt.set(metric.name, read.doubt);
  }
  const base = {
    now_unix_ms: nowMs,
    rollout: { name: spec.name, status: state.status, checks: state.checks, started_unix_ms: state.started_unix_ms },
    phase: {
      name: phase.name, index: phase.index, traffic: phase.traffic, entered_unix_ms: state.phase.entered_unix_ms,
      elapsed_ms: Math.max(0, nowMs - state.phase.entered_unix_ms), checks: state.phase.checks,
    },
    surfaces,
    inputs,
    metrics,
  };
  return { base, surfaces, unusableSurfaces, unusableInputs, unknownWindows: doubtful, metricDoubt, metricEvidence };
}

/** Step 5: the surfaces whose control state holds, with why when the mode is neither running nor paused. */
export function pausedSurfaces(ctx: CheckContext, obs: Observations): { name: string; note: string | null }[] {
  return Object.values(ctx.surfaces).filter((s) => s.paused).map((s) => {
    const control = obs.surfaces[s.name]?.control;
    return { name: s.name, note: control?.mode === 'unknown' && control.note ? control.note : null };
  });
}
