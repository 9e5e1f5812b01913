/**
 * The metrics source: every `metrics:` entry of the spec, asked at the check's instant, all at
 * once (a slow endpoint costs its own timeout, not the sum). Each answer, or the sentence saying
 * why there is none, becomes `metrics.<name>`; the engine judges it (and applies `onNoData`).
 */
import type { MetricObservation, Observations } from '../../engine/observations.js';
import type { MetricSpec, PhaseSpec, SecretRef } from '../../spec/types.js';
import { renderTemplate, templateValues, type TemplateValues } from '../../spec/query-template.js';
import type { ObservationSource, ObserveRequest } from '../source.js';
import { queryJson, jsonQueryText } from './http-json.js';
import { maskUrl, urlSecrets } from './mask.js';
import { queryPrometheus } from './prometheus-query.js';
import { readSecret } from './secrets.js';

export const metricQueries: ObservationSource = {
  name: 'metrics',
  // Synchronous when there is nothing to ask: a spec without metrics costs observeRollout no await.
  observe(request, into) {
    if (request.spec.metrics.length === 0) return;
    return observeAll(request, into);
  },
};

async function observeAll(request: ObserveRequest, into: Observations): Promise<void> {
  const { spec } = request;
  const values = templateValues(spec.name, currentPhase(request));
  const answers = await Promise.all(spec.metrics.map((metric) => observeMetric(metric, values, request)));
  const metrics = (into.metrics ??= {});
  spec.metrics.forEach((metric, i) => (metrics[metric.name] = answers[i]!));
}

/** The phase the rollout is in before this check: the remembered one, else the first. */
function currentPhase({ spec, state }: ObserveRequest): PhaseSpec {
  const name = state?.phase.name;
  return spec.phases.find((p) => p.name === name) ?? spec.phases[0]!;
}

export async function observeMetric(metric: MetricSpec, values: TemplateValues, { root, nowMs }: Pick<ObserveRequest, 'root' | 'nowMs'>): Promise<MetricObservation> {
  const source = metric.source;
  if (source.kind === 'prometheus') {
    const query = renderTemplate(source.query, values);
    const subject = `Prometheus at ${maskUrl(source.address)}`;
    const creds = credentials(source.headers, source.bearerToken, root);
    if (!creds.ok) return { ok: false, source: 'prometheus', query, time_unix_ms: nowMs, error: `${subject} is not asked: ${creds.error}` };
    const secrets = [...creds.secrets, ...urlSecrets(source.address)];
    return queryPrometheus({ address: source.address, query, reduce: source.reduce, headers: creds.headers, timeoutMs: metric.timeoutMs, nowMs, secrets });
  }
  const url = renderTemplate(source.url, values);
  const creds = credentials(source.headers, source.bearerToken, root);
  if (!creds.ok) return { ok: false, source: 'http', query: jsonQueryText(url, source.pointer), time_unix_ms: nowMs, error: `${maskUrl(url)} is not asked: ${creds.error}` };
  const secrets = [...creds.secrets, ...urlSecrets(url)];
  return queryJson({ url, pointer: source.pointer, headers: creds.headers, timeoutMs: metric.timeoutMs, nowMs, secrets });
}

type Credentials = { ok: true; headers: Record<string, string>; secrets: string[] } | { ok: false; error: string };

/** The request headers (names lower-cased, so `bearerToken` wins over an `Authorization` header), and the values to scrub. */
function credentials(headers: Record<string, SecretRef>, bearerToken: SecretRef | null, root: string): Credentials {
  const out: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, ref] of Object.entries(headers)) {
    const read = readSecret(ref, root);
    if (!read.ok) return { ok: false, error: `its header ${name} cannot be read: ${read.error}` };
    out[name.toLowerCase()] = read.value;
    secrets.push(read.value);
  }
  if (bearerToken !== null) {
    const read = readSecret(bearerToken, root);
    if (!read.ok) return { ok: false, error: `its bearer token cannot be read: ${read.error}` };
    out.authorization = `Bearer ${read.value}`;
    secrets.push(read.value);
  }
  return { ok: true, headers: out, secrets };
}
