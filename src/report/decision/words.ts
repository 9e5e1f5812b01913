/** Small shared wording for decision renderers. */
import type { GateResult, RecordSource, RoutingEvidence, TrafficSplit, TriggerResult } from '../../engine/record.js';
import type { MetricEvidence } from '../../engine/metric-context.js';
import { formatDuration } from '../../time/duration.js';

export const where = (surface: string | null) => (surface === null ? '' : ` [${surface}]`);
/** `specs/release.yaml:42:9`: where a gate's rule or a trigger's `when` is written (null: nowhere known). */
export const position = (source: RecordSource): string | null => (!source ? null : `${source.file}:${source.line}:${source.col}`);
/** ` (specs/release.yaml:42:9)` after a text line, or nothing. */
export const atPosition = (source: RecordSource): string => (!source ? '' : ` (${position(source)})`);
export const minutes = (ms: number) => (ms <= 0 ? '0' : formatDuration(Math.round(ms / 1000) * 1000));

export function gateCounts(gates: readonly GateResult[]): string {
  // One indexed pass: a wide check has 20,000 results, counted in code not yet optimized.
  let pass = 0;
  let fail = 0;
  let error = 0;
  for (let i = 0; i < gates.length; i++) {
    const result = gates[i]!.result;
    if (result === 'pass') pass++;
    else if (result === 'fail') fail++;
    else if (result === 'error') error++;
  }
  const parts = [`${pass} pass`];
  if (fail) parts.push(`${fail} fail`);
  if (error) parts.push(`${error} error`);
  return parts.join(', ');
}

export function streak(t: TriggerResult): string {
  const parts = [t.matched === null ? 'error' : t.count ? `${t.count.matches}/${t.count.required} in phase` : `streak ${t.streak}/${t.consecutive}`];
  if (t.errors) parts.push(`errors ${t.errors.streak}/${t.errors.consecutive}`);
  if (t.fired) parts.push('fired');
  return parts.join(', ');
}

/** `0.002 (vector of 1 series)`, `no value (empty vector)`, `ERROR: …`: what a metric answered, in a phrase. */
export function metricAnswer(m: MetricEvidence): string {
  if (m.error !== null) return `ERROR ${m.error}`;
  const value = m.value === null ? `no value (${m.kind})` : typeof m.value === 'string' ? JSON.stringify(m.value) : String(m.value);
  return `${value} (${m.shape})`;
}

/** `canary 5% / stable 95% on HAProxy at … (set at this check)`: the routing a record shows, in a phrase. */
export function routingLine(r: RoutingEvidence): string {
  const split = (w: TrafficSplit) => `canary ${w.canary}% / stable ${w.stable}%`;
  const found = r.actual ? split(r.actual) : 'unknown';
  if (r.error !== null && !r.applied) return `${r.target}: wanted ${split(r.desired)}, found ${found}; ${r.error}`;
  if (r.applied) return `${r.target}: ${split(r.desired)}, set at this check (found ${found})`;
  return `${r.target}: ${found}${r.actual && (r.actual.canary !== r.desired.canary) ? `, wanted ${split(r.desired)}` : ', as wanted'}`;
}
