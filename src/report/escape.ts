/**
 * Escaping shared by every output format. Producer text (health_reason, the actor and reason of
 * a manual action, file names, messages that quote values) never reaches a terminal or a CI log
 * raw: see docs/output-escaping.md.
 *
 * - Text formats build their output as an array of lines and assemble it with `textLines`, which
 *   makes each line `safeLine`: a newline inside a value cannot start a line of its own.
 * - Values inside a format's own syntax get that format's escaping on top: `markdownCell`, `xml`,
 *   and the properties and message of a `workflowCommand` (the only way to print a line that
 *   starts with `::`).
 * - JSON is written with `jsonText`: the same value as JSON.stringify, with the characters a
 *   terminal or a CI runner would act on written as \u escapes.
 */

/**
 * Characters that must not be printed as they are: C0 and C1 controls and DEL (`\p{Cc}`: ESC,
 * CR, LF, BEL, backspace, NUL, NEL, CSI…), format characters (`\p{Cf}`: bidi embeddings,
 * overrides and isolates, zero-width characters, BOM, tags), line and paragraph separators
 * (U+2028, U+2029), lone surrogates, and `##[`, which the GitHub runner reads as a (legacy)
 * workflow command anywhere in a line.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|##\[/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function visible(ch: string): string {
  if (ch === '##[') return '##\\x5b';
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0)!;
  if (cp < 0x100) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return `\\u{${hex(cp, 1)}}`;
}

/**
 * A value as it may be shown inside one line of a terminal or a CI log: every control and format
 * character written visibly (`\n`, `\r`, `\t`, `\x1b`, `\x00`, `\x9b`, `\u202e`, `\u2028`,
 * `\u{e0041}`), `##[` as `##\x5b`; everything else as it is. Idempotent; not meant to be undone
 * (a backslash is left as it is).
 */
export const terminalSafe = (s: string): string => s.replace(UNSAFE, visible);

/**
 * One line of output: `terminalSafe`, and never a GitHub workflow command (the runner trims
 * leading white space and acts on a line starting with `::`), so a leading `::` is shown `\x3a:`.
 */
export function safeLine(line: string): string {
  const s = terminalSafe(line);
  const lead = /^\s*::/.exec(s);
  return lead ? `${s.slice(0, lead[0].length - 2)}\\x3a${s.slice(lead[0].length - 1)}` : s;
}

const COMMAND: unique symbol = Symbol('workflow command');

/** A GitHub workflow command line, escaped when it was made: `textLines` prints it as it is. */
export interface WorkflowCommand {
  readonly [COMMAND]: string;
}

export type OutputLine = string | WorkflowCommand;

/**
 * The one place text output is assembled: each line `safeLine` (or a `workflowCommand` as made),
 * joined with newlines, with a final newline.
 */
export function textLines(lines: readonly OutputLine[]): string {
  return lines.map((l) => (typeof l === 'string' ? safeLine(l) : l[COMMAND]) + '\n').join('');
}

const percent = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * `::error file=…,line=…,title=…::message`: property values and the message made `terminalSafe`
 * then escaped for the runner; a message given as lines keeps its line breaks (as %0A), a newline
 * inside one of them is shown `\n`.
 */
export function workflowCommand(command: 'error' | 'warning' | 'notice', properties: Record<string, string | number>, message: string | readonly string[]): WorkflowCommand {
  const props = Object.entries(properties).map(([k, v]) => `${k}=${percent(terminalSafe(String(v))).replace(/:/g, '%3A').replace(/,/g, '%2C')}`);
  const lines = typeof message === 'string' ? [message] : message;
  return { [COMMAND]: `::${command}${props.length ? ` ${props.join(',')}` : ''}::${percent(lines.map(terminalSafe).join('\n'))}` };
}

/** XML text and attributes: `terminalSafe`, then the XML entities (XML 1.0 cannot carry most controls, even escaped). */
export const xml = (s: string) =>
  terminalSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\uFFFE\uFFFF]/g, '\uFFFD');

/** Lines of XML text content (a trace, a diff): each `safeLine`, then `xml`. */
export const xmlLines = (lines: readonly string[]) => lines.map((l) => xml(safeLine(l))).join('\n');

/** A Markdown table cell or list item: `terminalSafe` (a newline shows as `\n`), `|` escaped. */
export const markdownCell = (s: string) => terminalSafe(s).replace(/\|/g, '\\|');

/** What jsonText writes as \u escapes: DEL and C1, format characters, U+2028/U+2029; and the `[` of `##[`. */
const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\u2028\u2029]|##\[/gu;

const jsonEscape = (ch: string) => {
  if (ch === '##[') return '##\\u005b';
  return [...ch].flatMap((c) => (c.codePointAt(0)! > 0xffff ? [c.charCodeAt(0), c.charCodeAt(1)] : [c.charCodeAt(0)])).map((u) => `\\u${hex(u, 4)}`).join('');
};

/**
 * JSON output: JSON.stringify (which escapes C0 controls and lone surrogates) with DEL, C1,
 * format characters, U+2028/U+2029 and the `[` of `##[` written as \u escapes too. These can only
 * occur inside strings, so the document parses to the same value.
 */
export const jsonText = (value: unknown, indent?: number): string => JSON.stringify(value, null, indent).replace(JSON_UNSAFE, jsonEscape);

/** An error for the log: `Name: message` made safe, then its stack frames. */
export function errorLines(err: unknown): string[] {
  if (!(err instanceof Error)) return [terminalSafe(String(err))];
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [`${err.name}: ${terminalSafe(err.message)}`, ...frames];
}
