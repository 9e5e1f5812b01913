/**
 * TAP (the Test Anything Protocol, version 14): `TAP version 14`, the plan `1..N`, then a line
 * `ok N - description` or `not ok N - description` per test point, a YAML block (`  ---` …
 * `  ...`) with the message, where (`at`) and severity of each failure. The `tap` renderer of each
 * command (validation/tap.ts, decision/tap.ts, spec-test/tap.ts) makes the points; this writes
 * them, and the renderer assembles the lines with `textLines`.
 *
 * Producer text cannot change what a TAP consumer reads: a description is `terminalSafe` (a
 * newline shows as `\n`, so no text starts a line of its own: no `not ok`, no `Bail out!`, no
 * `1..0`), with `\` and `#` escaped as TAP says (`\\`, `\#`: no `# SKIP` or `# TODO` directive
 * from a message) and a final `{` shown `\x7b` (it would open a subtest); a YAML value is a
 * JSON string (`jsonText`), which YAML reads back as the same text.
 */
import { jsonText, terminalSafe } from './escape.js';

export type TapValue = string | number | boolean | null | readonly string[];

export interface TapPoint {
  ok: boolean;
  description: string;
  /** `# TODO reason`: reported, but does not fail the stream (a warning, a gap that is not required). */
  todo?: string;
  /** The YAML block: `message`, `severity` and `at` first for a failure; other keys as given. */
  diagnostics?: Record<string, TapValue | undefined>;
}

/** Text inside a test point line (a description, a directive's reason). */
export function tapText(s: string): string {
  return terminalSafe(s)
    .replace(/\\/g, '\\\\')
    .replace(/#/g, '\\#')
    .replace(/\{(\s*)$/, '\\x7b$1')
    .trim();
}

/** The whole stream as lines: the version, the plan, comments (`# …`) before and after the points. */
export function tapLines(points: readonly TapPoint[], comments: { head?: readonly string[]; tail?: readonly string[] } = {}): string[] {
  const out = ['TAP version 14', `1..${points.length}`];
  for (const c of comments.head ?? []) out.push(`# ${c}`);
  points.forEach((p, i) => {
    const todo = p.todo === undefined ? '' : ` # TODO ${tapText(p.todo)}`;
    out.push(`${p.ok ? 'ok' : 'not ok'} ${i + 1} - ${tapText(p.description)}${todo}`);
    const entries = Object.entries(p.diagnostics ?? {}).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    out.push('  ---');
    for (const [key, value] of entries) out.push(`  ${key}: ${jsonText(value)}`);
    out.push('  ...');
  });
  for (const c of comments.tail ?? []) out.push(`# ${c}`);
  return out;
}
