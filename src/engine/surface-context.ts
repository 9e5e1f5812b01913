/**
 * One surface as a rule sees it (`surfaces.<name>` in DESIGN §3), built from what was read.
 * Pure: the reads and `now` are inputs. Missing, unparsable or stale state never reads as
 * healthy: health `unknown` (or the stale reason) and `rollout_gate: hold`.
 */
import { evaluateRule, zeroDefaultCopy } from '../rules/evaluate.js';
import { sharedRule } from '../rules/shared-rule.js';
import { ruleReads } from '../rules/var-paths.js';
import { unknownRead } from './unknown-read.js';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import { type ControlState } from './observations.js';
import type { EventWindows } from './event-windows.js';
import { applyPause, classifyHealth, gateOf, reportedReason, type Classification, type HealthState } from '../tau/health.js';
import type { LogTally, TallyWindow } from './log-tally.js';
import { zeroHealth, type HealthSnapshot } from '../tau/health.js';
import { type StateRead } from './observations.js';
import type { DetectedKind, SurfaceKind } from '../tau/surface-kind.js';

export interface SurfaceSettings {
  name: string;
  /** From the spec; null: detected from state.json. */
  kind: SurfaceKind | null;
  staleAfterMs: number | null;
  /** A spec's `health` rules, replacing the producer's classification. */
  healthRules: { failing: unknown; degraded: unknown } | null;
}

export interface SurfaceReads {
  state: StateRead;
  control: ControlState;
  events: { present: boolean; total: LogTally; windows: EventWindows; /** Window name -> why it cannot be trusted. */ unknown?: ReadonlyMap<string, string> };
}

type Windows<T> = { total: T; phase: T; check: T; previous_check: T };

export interface SurfaceContext {
  name: string;
  kind: DetectedKind;
  present: boolean;
  stale: boolean;
  age_ms: number | null;
  health_state: HealthState;
  health_reason: string;
  rollout_gate: 'pass' | 'hold';
  paused: boolean;
  health: HealthSnapshot;
  events: Windows<Record<string, number>>;
  cycles: Windows<number>;
  invalid_lines: number;
  last_reason_codes: string[];
  state: Record<string, unknown> | null;
}

/** How far ahead of `now` a snapshot may claim to be (clocks of two hosts drift a little). */
export const FUTURE_TOLERANCE_MS = 60_000;

function formatAhead(ms: number): string {
  return ms < 3_600_000 ? `${Math.round(ms / 1000)}s` : ms < 172_800_000 ? `${Math.round(ms / 3_600_000)}h` : `${Math.round(ms / 86_400_000)} days`;
}

export function buildSurfaceContext(settings: SurfaceSettings, reads: SurfaceReads, nowMs: number): SurfaceContext {
  const { state, control, events } = reads;
  // A control state that says neither running nor paused holds like a pause (`paused`, gate hold),
  // with its own reason; unlike a pause it does not make a healthy surface degraded, so a
  // garbled file can hold a rollout but never feed a health trigger into a rollback.
  const operatorPause = control.mode === 'paused';
  const controlProblem = control.mode === 'unknown' ? control.note ?? `${CONTROL_STATE_FILE} says neither running nor paused` : null;
  const paused = operatorPause || controlProblem !== null;
  const windows = events.windows;
  const pick = <T>(f: (w: TallyWindow) => T): Windows<T> => ({
    total: f(windows.total), phase: f(windows.phase), check: f(windows.check), previous_check: f(windows.previous_check),
  });
  // The contexts are written out field by field, not spread from a common part: V8 kept the
  // objects of a `{ ...base, … }` here alive through a young-generation collection and then
  // promoted them, ~2 KB per check that only a full collection reclaimed (`run --once` over
  // 5,000 rollouts: tens of MB of old generation). The key order is the one the spreads gave.
  const eventCounts = pick((w) => zeroDefaultCopy(w.codes));
  const cycles = pick((w) => w.cycles);
  const invalidLines = events.total.invalid;
  const lastCodes = events.total.last?.codes ?? [];
  if (!state.present) {
    return {
      name: settings.name, paused, events: eventCounts, cycles, invalid_lines: invalidLines, last_reason_codes: lastCodes,
      kind: settings.kind ?? 'unknown', present: false, stale: false, age_ms: null,
      health_state: 'unknown', health_reason: `state unavailable: ${state.reason}`, rollout_gate: 'hold', health: zeroHealth(), state: null,
    };
  }
  const age = nowMs - state.health.updated_unix_ms;
  // A snapshot from the future is no evidence of the present, however fresh it claims to be.
  const ahead = -age > FUTURE_TOLERANCE_MS;
  const stale = ahead || (settings.staleAfterMs !== null && age > settings.staleAfterMs);
  const kind = settings.kind ?? state.kind;
  // What the health rules see: the surface without its verdict (a rule reading `health_state`
  // finds it missing).
  const partial = {
    name: settings.name, paused, events: eventCounts, cycles, invalid_lines: invalidLines, last_reason_codes: lastCodes,
    kind, present: true, stale, age_ms: age, health: state.health, state: state.state,
  };
  const classification = applyPause(classify(settings, partial, events.unknown), operatorPause);
  let reason = reportedReason(classification, events.total.last?.reason ?? null, operatorPause);
  if (controlProblem !== null && classification.state === 'healthy') reason = controlProblem;
  if (ahead) reason = `state is from the future: health.updated_unix_ms is ${formatAhead(-age)} ahead of this check, over the ${FUTURE_TOLERANCE_MS / 1000}s tolerance; the producer's clock is ahead (or the file is forged)`;
  else if (stale) reason = `state is stale: last updated ${Math.round(age / 1000)}s ago, over the ${Math.round(settings.staleAfterMs! / 1000)}s staleAfter limit`;
  return {
    name: settings.name, paused, events: eventCounts, cycles, invalid_lines: invalidLines, last_reason_codes: lastCodes,
    kind, present: true, stale, age_ms: age, health: state.health, state: state.state,
    health_state: classification.state,
    health_reason: reason,
    rollout_gate: stale || controlProblem !== null ? 'hold' : gateOf(classification.state),
  };
}

/** The producer's rules, or the spec's `health` rules (an erroring rule makes health unknown). */
function classify(settings: SurfaceSettings, surface: Omit<SurfaceContext, 'health_state' | 'health_reason' | 'rollout_gate'>, unknown: ReadonlyMap<string, string> | undefined): Classification {
  if (!settings.healthRules) return classifyHealth(surface.health);
  for (const level of ['failing', 'degraded'] as const) {
    // Equal rules of many specs are compiled once (rules/shared-rule.ts).
    const rule = sharedRule(settings.healthRules[level]);
    const doubt = unknown && unknownWindowRead(rule, unknown);
    if (doubt) return { state: 'unknown', reason: `the spec's health rule \`${level}\` reads ${doubt}` };
    const result = evaluateRule(rule, surface);
    if (!result.ok) return { state: 'unknown', reason: `the spec's health rule \`${level}\` errored: ${result.error}` };
    if (result.value) return { state: level, reason: `the spec's health rule \`${level}\` matched` };
  }
  return { state: 'healthy', reason: "the spec's health rules found nothing wrong" };
}

/** Why a health rule cannot read the event windows it reads (the gates' rule, paths relative to the surface). */
function unknownWindowRead(rule: unknown, unknown: ReadonlyMap<string, string>): string | null {
  const reads = ruleReads(rule);
  if (reads.computed && unknown.size > 0) return `a computed path while event windows are unknown (${[...unknown.values()][0]})`;
  for (const path of reads.paths) {
    const [field, window] = path.split('.');
    const doubt = unknownRead(unknown, field, window);
    if (doubt) return doubt;
  }
  return null;
}
