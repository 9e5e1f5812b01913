/**
 * A Prometheus instant query at the check's instant: `GET <address>/api/v1/query?query=…&time=…`
 * against any Prometheus-compatible API. `time=` is the check's now, never the wall clock, so
 * `evaluate --now T` asks the same question every time.
 */
import type { MetricObservation } from '../../engine/observations.js';
import type { PrometheusSource } from '../../spec/types.js';
import { httpGet } from './http-get.js';
import { maskUrl, scrub } from './mask.js';
import { readPrometheusAnswer } from './prometheus-answer.js';

export interface PrometheusQuery {
  address: string;
  /** The rendered PromQL. */
  query: string;
  reduce: PrometheusSource['reduce'];
  /** Resolved header values, `Authorization` included when there is a bearer token. */
  headers: Record<string, string>;
  timeoutMs: number;
  nowMs: number;
  /** Values no sentence may show. */
  secrets: readonly string[];
}

/** `<address>/api/v1/query?…`: the address may carry a path prefix (a proxy, Thanos) and a trailing slash. */
export function queryUrl(address: string, query: string, nowMs: number): string | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.searchParams.set('query', query);
  url.searchParams.set('time', queryTime(nowMs));
  return url.toString();
}

/** Seconds with milliseconds, as Prometheus reads `time=`: 1771232400000 → `1771232400.000`. */
export function queryTime(nowMs: number): string {
  return (nowMs / 1000).toFixed(3);
}

export async function queryPrometheus(q: PrometheusQuery): Promise<MetricObservation> {
  const subject = `Prometheus at ${maskUrl(q.address)}`;
  const base = { source: 'prometheus' as const, query: q.query, time_unix_ms: q.nowMs };
  const url = queryUrl(q.address, q.query, q.nowMs);
  if (url === null) return { ok: false, ...base, error: `${subject} cannot be asked: the address is not a URL` };
  const got = await httpGet({ url, headers: q.headers, timeoutMs: q.timeoutMs, subject, secrets: q.secrets });
  if (!got.ok) return { ok: false, ...base, error: got.error };
  const answer = readPrometheusAnswer(got.status, got.body, q.reduce, subject);
  if (!answer.ok) return { ok: false, ...base, error: scrub(answer.error, q.secrets) };
  return { ok: true, ...base, shape: answer.shape, kind: answer.kind, value: answer.value, samples: answer.samples };
}
