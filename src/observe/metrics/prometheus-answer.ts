/**
 * What a Prometheus instant query answered (`/api/v1/query`), read as untrusted JSON: the
 * envelope `{status, data: {resultType, result}}` or `{status: "error", errorType, error}`, and
 * from it one judged value. A scalar is its value; an instant vector of one series is that
 * series' value, of several is reduced (`reduce:`) or an error; a range vector or a string is
 * the wrong shape. Sample values are strings (`"0.25"`, `"NaN"`, `"+Inf"`) and parsed strictly.
 */
import type { MetricKind } from '../../engine/observations.js';
import type { PrometheusSource } from '../../spec/types.js';
import { parseStrictJson } from '../strict-json.js';
import { excerpt, quoted } from './excerpt.js';

/** The judged part of an observation, or the sentence saying why there is none. */
export type PrometheusValue =
  | { ok: true; shape: string; kind: MetricKind; value: number | null; samples: number }
  | { ok: false; error: string };

type Reduce = PrometheusSource['reduce'];

/** Series named in the "several series" error: enough to recognize them, not a dump. */
const NAMED_SERIES = 3;

/** `subject` is `Prometheus at <masked address>`; every sentence starts with it. */
export function readPrometheusAnswer(status: number, body: Buffer, reduce: Reduce, subject: string): PrometheusValue {
  const parsed = parseBody(body);
  const envelope = parsed.ok && isRecord(parsed.value) ? parsed.value : null;

  if (envelope?.status === 'error') {
    const verb = status === 400 ? 'refused the query' : 'could not answer the query';
    return fail(`${subject} ${verb}: ${text(envelope.errorType, 'error')}: ${text(envelope.error, '(no message)')} (HTTP ${status})`);
  }
  if (status < 200 || status > 299) return fail(`HTTP ${status} from ${subject}${statusHint(status)}`);
  if (!parsed.ok) return fail(`${subject} answered HTTP ${status} with a body that is not JSON (${parsed.error}); is the address a Prometheus HTTP API?`);
  if (envelope === null || envelope.status !== 'success' || !isRecord(envelope.data)) {
    return fail(`${subject} answered JSON that is not a Prometheus query answer (no \`status: success\` with \`data\`); is the address a Prometheus HTTP API?`);
  }

  const { resultType, result } = envelope.data;
  switch (resultType) {
    case 'scalar': {
      const sample = sampleValue(result);
      if (sample === null) return fail(`${subject} answered a scalar that is not a [time, "value"] pair`);
      return judged('scalar', sample, 1);
    }
    case 'vector':
      return readVector(result, reduce, subject);
    case 'matrix':
      return fail(`${subject} answered a range vector (matrix) for the query; a metric needs one value at the check's instant: use an instant vector expression (e.g. \`rate(x[5m])\` rather than \`x[5m]\`)`);
    case 'string':
      return fail(`${subject} answered a string for the query; a metric needs a number: use an instant vector or scalar expression`);
    default:
      return fail(`${subject} answered an unknown result type ${typeof resultType === 'string' ? quoted(resultType, 40) : '(none)'}; expected a vector or a scalar`);
  }
}

function readVector(result: unknown, reduce: Reduce, subject: string): PrometheusValue {
  if (!Array.isArray(result)) return fail(`${subject} answered a vector whose \`result\` is not a list`);
  const values: number[] = [];
  for (const [i, series] of result.entries()) {
    const value = isRecord(series) ? sampleValue(series.value) : null;
    if (value === null) {
      const what = isRecord(series) && 'histogram' in series ? 'a native histogram, not a number (use histogram_quantile() or histogram_count())' : 'not a {metric, value: [time, "value"]} sample';
      return fail(`${subject} answered a vector whose series ${i + 1} is ${what}`);
    }
    values.push(value);
  }
  if (values.length === 0) return { ok: true, shape: 'empty vector', kind: 'empty', value: null, samples: 0 };
  if (values.length === 1) return judged('vector of 1 series', values[0]!, 1);
  if (reduce === null) {
    const named = result.slice(0, NAMED_SERIES).map((s) => seriesName((s as Record<string, unknown>).metric));
    const more = values.length > NAMED_SERIES ? `, and ${values.length - NAMED_SERIES} more` : '';
    return fail(`${subject}: the query returned ${values.length} series (${named.join(', ')}${more}); say how to reduce them with \`reduce: sum|min|max|avg\`, or aggregate in the query (e.g. \`sum(…)\`)`);
  }
  return judged(`vector of ${values.length} series reduced by ${reduce}`, reduced(values, reduce), values.length);
}

/** NaN anywhere makes the result NaN (Math.min/max and sums agree); +Inf and -Inf summed is NaN. */
export function reduced(values: number[], reduce: NonNullable<Reduce>): number {
  switch (reduce) {
    case 'min':
      return values.reduce((a, b) => Math.min(a, b));
    case 'max':
      return values.reduce((a, b) => Math.max(a, b));
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

function judged(shape: string, value: number, samples: number): PrometheusValue {
  if (Number.isNaN(value)) return { ok: true, shape, kind: 'nan', value: null, samples };
  if (!Number.isFinite(value)) return { ok: true, shape, kind: 'inf', value: null, samples };
  // -0 prints as 0 in JSON anyway; keep records byte-identical to what they show.
  return { ok: true, shape, kind: 'scalar', value: value === 0 ? 0 : value, samples };
}

/** Go's float formats: a decimal with an optional exponent, `NaN`, `+Inf`, `-Inf`, `Inf`. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of a `[time, "value"]` pair, or null if it is not one. */
function sampleValue(pair: unknown): number | null {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') return null;
  return parseSample(pair[1]);
}

export function parseSample(s: string): number | null {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return DECIMAL.test(s) ? Number(s) : null;
}

/** `name{label="value",…}`, as PromQL writes a series, escaped and bounded. */
function seriesName(metric: unknown): string {
  if (!isRecord(metric)) return '{}';
  const name = typeof metric.__name__ === 'string' ? excerpt(metric.__name__, 60) : '';
  const labels = Object.entries(metric)
    .filter(([k, v]) => k !== '__name__' && typeof v === 'string')
    .map(([k, v]) => `${excerpt(k, 40)}=${quoted(v as string, 60)}`);
  return excerpt(`${name}{${labels.join(',')}}`, 160);
}

function statusHint(status: number): string {
  if (status >= 300 && status < 400) return ': redirects are not followed; give the address it redirects to';
  if (status === 401 || status === 403) return ': check its credentials (`bearerToken`, `headers`)';
  if (status === 404) return ': is the address the base URL of a Prometheus HTTP API? `/api/v1/query` is appended to it';
  return '';
}

function parseBody(body: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  let textBody: string;
  try {
    textBody = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, error: 'not UTF-8' };
  }
  const parsed = parseStrictJson(textBody);
  return parsed.ok ? parsed : { ok: false, error: excerpt(parsed.error, 120) };
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? excerpt(value, 300) : fallback;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(error: string): PrometheusValue {
  return { ok: false, error };
}
