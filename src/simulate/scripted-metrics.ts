/**
 * Metric answers from a timeline instead of a server: `simulate` and `rollgate test` judge metric
 * gates and triggers exactly as a live check would (same query text in the record, same kinds,
 * same errors), with the values the timeline scripts at each instant.
 */
import type { MetricObservation } from '../engine/observations.js';
import type { ObservationSource } from '../observe/source.js';
import { renderTemplate, templateValues } from '../spec/query-template.js';
import type { MetricSpec } from '../spec/types.js';
import type { ScriptedMetric } from './timeline.js';
import { jsonQueryText } from '../observe/metrics/http-json.js';
import { reduced } from '../observe/metrics/prometheus-answer.js';

/** A source reading the answers `current()` holds at each check (a metric never scripted has no data). */
export function scriptedMetrics(current: () => Readonly<Record<string, ScriptedMetric>>): ObservationSource {
  return {
    name: 'scripted metrics',
    observe({ spec, state, nowMs }, into) {
      if (spec.metrics.length === 0) return;
      const phase = spec.phases.find((p) => p.name === state?.phase.name) ?? spec.phases[0]!;
      const values = templateValues(spec.name, phase);
      const answers = current();
      into.metrics ??= {};
      for (const metric of spec.metrics) {
        // The same query text a live check records (credentials masked, `""` for the whole answer).
        const query = metric.source.kind === 'prometheus' ? renderTemplate(metric.source.query, values) : jsonQueryText(renderTemplate(metric.source.url, values), metric.source.pointer);
        const scripted = Object.prototype.hasOwnProperty.call(answers, metric.name) ? answers[metric.name]! : null;
        into.metrics[metric.name] = scriptedAnswer(metric, scripted, query, nowMs);
      }
    },
  };
}

const PROMETHEUS_SPECIAL = new Set(['NaN', '+Inf', '-Inf', 'Inf']);

export function scriptedAnswer(metric: MetricSpec, scripted: ScriptedMetric, query: string, nowMs: number): MetricObservation {
  const frame = { source: metric.source.kind, query, time_unix_ms: nowMs };
  const value = (v: number, shape: string, samples = 1): MetricObservation =>
    Number.isNaN(v) ? { ok: true, ...frame, shape, kind: 'nan', value: null, samples }
      : !Number.isFinite(v) ? { ok: true, ...frame, shape, kind: 'inf', value: null, samples }
        : { ok: true, ...frame, shape, kind: 'scalar', value: v, samples };
  if (scripted === null) return { ok: true, ...frame, shape: 'scripted: no data', kind: 'empty', value: null, samples: 0 };
  if (typeof scripted === 'number') return value(scripted, 'scripted value');
  // Prometheus spells its non-finite samples so; a JSON endpoint's string is a string.
  if (typeof scripted === 'string' && metric.source.kind === 'prometheus' && PROMETHEUS_SPECIAL.has(scripted)) return value(Number(scripted.replace(/^\+?Inf$/, 'Infinity').replace('-Inf', '-Infinity')), 'scripted value');
  if (typeof scripted === 'string') return { ok: true, ...frame, shape: 'scripted string', kind: 'string', value: scripted, samples: 1 };
  if (typeof scripted === 'boolean') return { ok: true, ...frame, shape: 'scripted boolean', kind: 'boolean', value: scripted, samples: 1 };
  if ('error' in scripted) return { ok: false, ...frame, error: `scripted error: ${scripted.error}` };
  const series = scripted.series;
  if (series.length === 0) return { ok: true, ...frame, shape: 'scripted: no series', kind: 'empty', value: null, samples: 0 };
  if (series.length === 1) return value(series[0]!, 'scripted: 1 series');
  const reduce = metric.source.kind === 'prometheus' ? metric.source.reduce : null;
  if (reduce === null) {
    return { ok: false, ...frame, error: `the query returned ${series.length} series; say how to reduce them with \`reduce: sum|min|max|avg\`` };
  }
  return value(reduced(series, reduce), `scripted: ${series.length} series reduced by ${reduce}`, series.length);
}
