/** One `key=value` line, for the text form of status reports (greppable, like the producer's). */
import { safeLine, terminalSafe } from './escape.js';

/** The line is `safeLine`: a value cannot end it, start another or carry a control character. */
export function keyValueLine(prefix: string, fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${render(v)}`);
  return safeLine(`${prefix}${parts.join(' ')}`);
}

function render(v: unknown): string {
  if (typeof v === 'string') return v === '' || /[\s"=]/.test(v) || terminalSafe(v) !== v ? JSON.stringify(v) : v;
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  return JSON.stringify(v);
}
