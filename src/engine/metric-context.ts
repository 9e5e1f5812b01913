/**
 * What rules read of each metric (`metrics.<name>`), what a record shows of it, and which reads
 * cannot be honest at this check:
 * - a query that failed: every field errors (hold; an `onError` trigger counts it);
 * - no data with `onNoData: hold`: `value` errors as "no data" (hold, the soak restarts; never
 *   counted as an error, never a rollback), `kind` and `samples` still read (`empty`, 0);
 * - no data with `onNoData: <number>`: `value` is that number;
 * - NaN or ±Inf: `value` errors; a rule may test `kind` (`nan`, `inf`).
 */
import type { MetricObservation } from './observations.js';
import type { MetricSpec } from '../spec/types.js';

export interface MetricContext {
  name: string;
  source: 'prometheus' | 'http';
  kind: 'scalar' | 'empty' | 'nan' | 'inf' | 'string' | 'boolean';
  value: number | string | boolean | null;
  samples: number;
}

/** Why some reads of a metric cannot be honest: all of it, or its `value` only. */
export interface MetricDoubt {
  fields: 'all' | 'value';
  why: string;
  /** No data (not an error): `onError` does not count it. */
  noData: boolean;
}

/** The decision record's account of a metric (DESIGN §5 `metrics`): the value behind the decision. */
export interface MetricEvidence {
  source: 'prometheus' | 'http';
  query: string;
  time_unix_ms: number;
  shape: string;
  kind: MetricContext['kind'] | null;
  value: number | string | boolean | null;
  samples: number;
  error: string | null;
}

export interface MetricRead {
  context: MetricContext;
  evidence: MetricEvidence;
  doubt: MetricDoubt | null;
}

export function readMetric(metric: MetricSpec, seen: MetricObservation | undefined, nowMs: number): MetricRead {
  const source = metric.source.kind;
  if (!seen || !seen.ok) {
    const error = seen ? seen.error : 'was not queried at this check';
    return {
      context: { name: metric.name, source, kind: 'empty', value: null, samples: 0 },
      evidence: { source, query: seen?.query ?? '', time_unix_ms: seen?.time_unix_ms ?? nowMs, shape: 'no answer', kind: null, value: null, samples: 0, error },
      doubt: { fields: 'all', why: `metric \`${metric.name}\`: ${error}`, noData: false },
    };
  }
  let { value, shape } = seen;
  let doubt: MetricDoubt | null = null;
  if (seen.kind === 'empty') {
    if (metric.onNoData === 'hold') {
      doubt = { fields: 'value', why: `metric \`${metric.name}\` has no data (${seen.shape}); \`onNoData: hold\` holds until it has, and never rolls back`, noData: true };
    } else {
      value = metric.onNoData.value;
      shape = `${seen.shape}; onNoData: ${value}`;
    }
  } else if (seen.kind === 'nan' || seen.kind === 'inf') {
    const what = seen.kind === 'nan' ? 'NaN' : '±Inf';
    doubt = { fields: 'value', why: `metric \`${metric.name}\` is ${what} (${seen.shape}), which no comparison can judge; a rule may test \`metrics.${metric.name}.kind\``, noData: false };
  }
  return {
    context: { name: metric.name, source, kind: seen.kind, value, samples: seen.samples },
    evidence: { source, query: seen.query, time_unix_ms: seen.time_unix_ms, shape, kind: seen.kind, value, samples: seen.samples, error: null },
    doubt,
  };
}
