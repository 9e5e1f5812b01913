/** One `key=value` line, for the text form of status reports (greppable, like the producer's). */
import { jsonText, safeLine, terminalSafe } from './escape.js';

/**
 * A value with white space, `"`, `=` or a character that must not be printed raw is a JSON string
 * (jsonText: every control and format character a \u escape), objects are JSON; the line is
 * `safeLine`.
 */
export function keyValueLine(prefix: string, fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${render(v)}`);
  return safeLine(`${prefix}${parts.join(' ')}`);
}

function render(v: unknown): string {
  if (typeof v === 'string') return v === '' || /[\s"=]/.test(v) || terminalSafe(v) !== v ? jsonText(v) : v;
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  return jsonText(v);
}
