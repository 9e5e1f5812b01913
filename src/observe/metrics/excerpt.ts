/**
 * Text a server chose (a label value, an error message, a JSON key) as an error sentence may
 * carry it: one line, every control and format character written visibly, and short. Records
 * are rendered escaped again later; this keeps the stored sentence itself readable and bounded.
 */

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0)!;
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** At most `max` characters of `text` (code points, never half a pair), escaped; `…` says it was cut. */
export function excerpt(text: string, max = 200): string {
  const chars = Array.from(text);
  const kept = chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  return kept.replace(UNSAFE, visible);
}

/** A server's string as a quoted literal: `"…"` with `"` and `\` escaped, then `excerpt`. */
export function quoted(text: string, max = 200): string {
  return `"${excerpt(text.replace(/[\\"]/g, (c) => `\\${c}`), max)}"`;
}
