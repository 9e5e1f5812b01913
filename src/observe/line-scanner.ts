/**
 * Fast counting of cycle reports in a buffer of complete lines, without JSON.parse per line.
 *
 * How it stays exact: a line is counted on the fast path only when one sticky regex proves it
 * is a JSON object in a strict subset (string values without escapes or control characters,
 * plain numbers, true/false/null, arrays of such strings; `health_reason` a string and
 * `reason_codes`, at most once, an array of strings). In that subset a quote can only delimit
 * a string, so `"reason_codes"` followed by `:` is necessarily the top-level key, and its array
 * text can be parsed once and reused (logs repeat a handful of arrays). Every other line
 * (escapes, nesting, unicode in the codes, a duplicate key, garbage, blank lines) goes to
 * parseCycleLine, the reference. test/observe/line-scanner.test.ts checks both paths agree.
 */
import { parseCycleLine } from './cycle-line.js';
import { countCodes, type LogTally } from './log-tally.js';

const WS = '[ \\t\\r]*';
const STR = '"[^"\\\\\\x00-\\x1f]*"';
const NUM = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
const ARRAY = `\\[${WS}(?:${STR}(?:${WS},${WS}${STR})*)?${WS}\\]`;
const VALUE = `(?:${STR}|${NUM}|true|false|null|${ARRAY})`;
/** Any member but reason_codes; health_reason, when present, must be a string. */
const OTHER_MEMBER = `(?:"health_reason"${WS}:${WS}${STR}|(?!"(?:health_reason|reason_codes)"${WS}:)${STR}${WS}:${WS}${VALUE})`;
const CODES_MEMBER = `"reason_codes"${WS}:${WS}${ARRAY}`;
/** Members with at most one reason_codes (a duplicate key goes to the reference). */
const MEMBERS =
  `(?:(?:${OTHER_MEMBER}${WS},${WS})*${CODES_MEMBER}(?:${WS},${WS}${OTHER_MEMBER})*` +
  `|${OTHER_MEMBER}(?:${WS},${WS}${OTHER_MEMBER})*)`;
/** One whole line, newline included, in the subset. */
const SIMPLE_LINE = new RegExp(`${WS}\\{${WS}${MEMBERS}?${WS}\\}${WS}\\n`, 'y');
const NON_ASCII = /[^\x00-\x7f]/;
const REASON_CODES = '"reason_codes"';

interface KnownArray {
  /** The array's exact text, brackets included. */
  text: string;
  /** Its codes trimmed, or null when the text is not safe for the fast path. */
  codes: string[] | null;
}

const knownArrays = new Map<string, KnownArray>();
const MAX_KNOWN_ARRAYS = 4096;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Where the value of the reason_codes key starts in a subset line [from, end), or -1. The
 * regex allows the key once, so the first occurrence followed by `:` is it; one that is not
 * followed by `:` is a string value that happens to read "reason_codes".
 */
function codesValueAt(s: string, from: number, end: number): number {
  for (let at = s.indexOf(REASON_CODES, from); at !== -1 && at < end; at = s.indexOf(REASON_CODES, at + REASON_CODES.length)) {
    let q = at + REASON_CODES.length;
    while (isWs(s.charCodeAt(q))) q++;
    if (s.charCodeAt(q) === 58 /* : */) {
      q++;
      while (isWs(s.charCodeAt(q))) q++;
      return q;
    }
  }
  return -1;
}

function parseArray(text: string): KnownArray {
  // Non-ASCII text read as latin1 is not the UTF-8 the reference sees: let the reference do it.
  return { text, codes: NON_ASCII.test(text) ? null : (JSON.parse(text) as string[]).map((c) => c.trim()) };
}

/**
 * The arrays met in one buffer, and how many lines carried each. Comparing a known text in
 * place (startsWith) is cheaper than slicing and hashing one per line; candidates are picked
 * by the array's first characters so one comparison usually settles it. A known text ends
 * with its closing bracket, and in the subset the same characters at the same place are the
 * same array. Codes are counted per array and expanded once per buffer (flush).
 */
class ArrayMemo {
  private readonly byPrefix = new Map<number, { known: KnownArray; lines: number }[]>();

  constructor(private readonly s: string) {}

  /** Counts one line carrying the array at `start`; false when the array is not fast-path safe. */
  count(start: number): boolean {
    const { s } = this;
    const prefix = (s.charCodeAt(start + 1) << 16) | (s.charCodeAt(start + 2) << 8) | s.charCodeAt(start + 3);
    let candidates = this.byPrefix.get(prefix);
    if (candidates) {
      for (let i = 0; i < candidates.length; i++) {
        const c = candidates[i]!;
        if (s.startsWith(c.known.text, start)) {
          c.lines++;
          return c.known.codes !== null;
        }
      }
    } else {
      candidates = [];
      this.byPrefix.set(prefix, candidates);
    }
    const known = arrayAt(s, start);
    candidates.push({ known, lines: 1 });
    return known.codes !== null;
  }

  flush(tally: LogTally): void {
    for (const candidates of this.byPrefix.values()) {
      for (const { known, lines } of candidates) {
        if (known.codes === null || lines === 0) continue;
        for (const code of known.codes) tally.codes[code] = (tally.codes[code] ?? 0) + lines;
      }
    }
  }
}

function arrayAt(s: string, start: number): KnownArray {
  // Items are strings without quotes inside: jump quote to quote (a `]` may sit in a string).
  let close = start + 1;
  for (let c = s.charCodeAt(close); c !== 93 /* ] */; c = s.charCodeAt(close)) {
    close = c === 34 /* " */ ? s.indexOf('"', close + 1) + 1 : close + 1;
  }
  const text = s.slice(start, close + 1);
  let known = knownArrays.get(text);
  if (known === undefined) {
    known = parseArray(text);
    if (knownArrays.size >= MAX_KNOWN_ARRAYS) knownArrays.clear();
    knownArrays.set(text, known);
  }
  return known;
}

/** Counts a subset line [start, end) whose field types the regex proved; false: not sure. */
function countFast(s: string, start: number, end: number, arrays: ArrayMemo): boolean {
  const codesAt = codesValueAt(s, start, end);
  return codesAt === -1 || arrays.count(codesAt);
}

/**
 * Counts the complete lines in buf[start, end) into `tally` (in place, `last` included);
 * `end` follows a `\n`, or ends a final line.
 */
export function scanLines(buf: Buffer, start: number, end: number, tally: LogTally): void {
  if (end <= start) return;
  // latin1 maps each byte to one char: positions in the string are byte offsets.
  const s = buf.toString('latin1', start, end);
  const arrays = new ArrayMemo(s);
  const length = s.length;
  let p = 0;
  let lastValidStart = -1;
  let lastValidEnd = -1;
  while (p < length) {
    SIMPLE_LINE.lastIndex = p;
    let lineEnd: number; // exclusive, newline included when present
    let verdict: 'valid' | 'invalid' | 'blank' | 'unsure' = 'unsure';
    if (SIMPLE_LINE.test(s)) {
      lineEnd = SIMPLE_LINE.lastIndex;
      if (countFast(s, p, lineEnd, arrays)) verdict = 'valid';
    } else {
      const nl = s.indexOf('\n', p);
      lineEnd = nl === -1 ? length : nl + 1;
    }
    if (verdict === 'unsure') {
      const line = parseCycleLine(buf.toString('utf8', start + p, start + lineEnd));
      if (line.kind === 'valid') countCodes(tally.codes, line.codes.map((c) => c.trim()));
      verdict = line.kind;
    }
    if (verdict === 'valid') {
      tally.cycles++;
      lastValidStart = p;
      lastValidEnd = lineEnd;
    } else if (verdict === 'invalid') {
      tally.invalid++;
    }
    p = lineEnd;
  }
  arrays.flush(tally);
  if (lastValidStart >= 0) {
    const last = parseCycleLine(buf.toString('utf8', start + lastValidStart, start + lastValidEnd));
    if (last.kind === 'valid') tally.last = lastReport(last.codes, last.reason);
  }
}

/** The reference counter, line by line with parseCycleLine: what scanLines must equal. */
export function scanLinesReference(text: string, tally: LogTally): void {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = parseCycleLine(raw);
    if (line.kind === 'valid') {
      tally.cycles++;
      countCodes(tally.codes, line.codes.map((c) => c.trim()));
      tally.last = lastReport(line.codes, line.reason);
    } else if (line.kind === 'invalid') {
      tally.invalid++;
    }
  }
}

/** Whether one line (no newline) is counted without the reference parser: for tests. */
export function takesFastPath(line: string): boolean {
  const s = Buffer.from(line + '\n', 'utf8').toString('latin1');
  SIMPLE_LINE.lastIndex = 0;
  if (!SIMPLE_LINE.test(s) || SIMPLE_LINE.lastIndex !== s.length) return false;
  return countFast(s, 0, s.length, new ArrayMemo(s));
}

/** Longest health_reason and code list kept: they travel into every record and the saved cursor. */
const MAX_REASON_CHARS = 1000;
const MAX_CODES = 100;

/** The last report as remembered: a runaway line cannot bloat the state, the journal or the page. */
function lastReport(codes: string[], reason: string): { codes: string[]; reason: string } {
  return {
    codes: codes.length > MAX_CODES ? codes.slice(0, MAX_CODES) : codes,
    reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}… (${reason.length} characters, cut)` : reason,
  };
}
