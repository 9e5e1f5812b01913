/**
 * A value in a JSON endpoint's answer: GET the URL, require 2xx and JSON, follow the pointer to
 * one value. A number is a `scalar`, null is no data (`empty`), a string or a boolean is judged
 * as it is; an object or a list is not a value (the pointer must go further).
 */
import type { MetricObservation } from '../../engine/observations.js';
import { parseStrictJson } from '../strict-json.js';
import { excerpt } from './excerpt.js';
import { httpGet } from './http-get.js';
import { describe, resolvePointer } from './json-pointer.js';
import { maskUrl, scrub } from './mask.js';

/** A string judged by a rule is a status word or a version, not a document. */
export const MAX_STRING_CHARS = 4096;

export interface JsonQuery {
  /** The rendered URL. */
  url: string;
  pointer: string;
  headers: Record<string, string>;
  timeoutMs: number;
  nowMs: number;
  secrets: readonly string[];
}

/** What the observation's `query` shows: `GET <masked url> <pointer>`. */
export function jsonQueryText(url: string, pointer: string): string {
  return `GET ${maskUrl(url)} ${pointer === '' ? '""' : pointer}`;
}

export async function queryJson(q: JsonQuery): Promise<MetricObservation> {
  const masked = maskUrl(q.url);
  const base = { source: 'http' as const, query: jsonQueryText(q.url, q.pointer), time_unix_ms: q.nowMs };
  const failed = (error: string): MetricObservation => ({ ok: false, ...base, error: scrub(error, q.secrets) });

  const got = await httpGet({ url: q.url, headers: q.headers, timeoutMs: q.timeoutMs, subject: masked, secrets: q.secrets });
  if (!got.ok) return failed(got.error);
  if (got.status < 200 || got.status > 299) {
    const hint = got.status >= 300 && got.status < 400 ? ': redirects are not followed; give the URL it redirects to' : got.status === 401 || got.status === 403 ? ': check its credentials (`bearerToken`, `headers`)' : '';
    return failed(`HTTP ${got.status} from ${masked}${hint}`);
  }
  let text: string;
  try {
    // A BOM is dropped (TextDecoder's default): some servers write one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(got.body);
  } catch {
    return failed(`the answer from ${masked} is not UTF-8 text, so not JSON (HTTP ${got.status}, ${got.body.length} bytes)`);
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return failed(`the answer from ${masked} is not JSON (HTTP ${got.status}, ${got.body.length} bytes): ${excerpt(parsed.error, 160)}`);

  const found = resolvePointer(parsed.value, q.pointer);
  if (!found.ok) return failed(found.invalid ? found.why : `pointer ${q.pointer} is not in the answer from ${masked}: ${found.why}`);
  const value = found.value;
  const at = q.pointer === '' ? 'the whole answer' : `pointer ${q.pointer}`;
  if (value === null) return { ok: true, ...base, shape: 'JSON null', kind: 'empty', value: null, samples: 0 };
  // JSON has no NaN or Infinity; a number too large for a double is parsed as ±Infinity.
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: true, ...base, shape: 'JSON number', kind: 'inf', value: null, samples: 1 };
    return { ok: true, ...base, shape: 'JSON number', kind: 'scalar', value: value === 0 ? 0 : value, samples: 1 };
  }
  if (typeof value === 'boolean') return { ok: true, ...base, shape: 'JSON boolean', kind: 'boolean', value, samples: 1 };
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_CHARS) return failed(`${at} in the answer from ${masked} is a string of ${value.length} characters, over the ${MAX_STRING_CHARS} a metric may judge; point at a shorter value`);
    return { ok: true, ...base, shape: 'JSON string', kind: 'string', value, samples: 1 };
  }
  return failed(`${at} in the answer from ${masked} is ${describe(value)}, not a value; point at a number, string, boolean or null inside it (e.g. ${q.pointer}/<member>)`);
}
