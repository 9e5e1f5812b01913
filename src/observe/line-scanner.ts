/**
 * Fast counting of cycle reports in a buffer of complete lines, without JSON.parse per line.
 *
 * How it stays exact: a line is counted on the fast path only when one sticky regex proves it
 * is a JSON object in a strict subset (string values without escapes or control characters,
 * plain numbers, true/false/null, arrays of such strings; `health_reason` a string and
 * `reason_codes` an array of strings wherever they appear). In that subset a quote can only
 * delimit a string, so `"reason_codes"` followed by `:` is necessarily the top-level key, and
 * its array text can be parsed once and cached (most lines repeat a handful of arrays).
 * Every other line (escapes, nesting, unicode in the codes, a duplicate key, garbage, blank
 * lines) goes to parseCycleLine, the reference. test/observe/line-scanner.test.ts checks
 * both paths agree on generated lines.
 */
import { parseCycleLine } from './cycle-line.js';
import { countCodes, type LogTally } from './log-tally.js';

const WS = '[ \\t\\r]*';
const STR = '"[^"\\\\\\x00-\\x1f]*"';
const NUM = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
const ARRAY = `\\[${WS}(?:${STR}(?:${WS},${WS}${STR})*)?${WS}\\]`;
const VALUE = `(?:${STR}|${NUM}|true|false|null|${ARRAY})`;
/** health_reason must be a string and reason_codes an array of strings, or the line is not in the subset. */
const MEMBER =
  `(?:"health_reason"${WS}:${WS}${STR}|"reason_codes"${WS}:${WS}${ARRAY}|` +
  `(?!"(?:health_reason|reason_codes)"${WS}:)${STR}${WS}:${WS}${VALUE})`;
/** One whole line, newline included, in the subset. */
const SIMPLE_LINE = new RegExp(`${WS}\\{${WS}(?:${MEMBER}(?:${WS},${WS}${MEMBER})*)?${WS}\\}${WS}\\n`, 'y');
const NON_ASCII = /[^\x00-\x7f]/;

const REASON_CODES = '"reason_codes"';
/** Parsed (and trimmed) reason-code arrays by their exact text; null: not safe for the fast path. */
const arrayCache = new Map<string, string[] | null>();
const MAX_CACHED_ARRAYS = 4096;

const NOT_FOUND = -1;
const AMBIGUOUS = -2;

/**
 * Finds a top-level key in subset lines. Occurrences are searched once per buffer: the next
 * one after a line is remembered for the following lines, so each byte is searched once.
 */
class KeyFinder {
  private next = -1;
  private searchedFrom = -1;

  constructor(
    private readonly s: string,
    private readonly key: string,
  ) {}

  /** Where the value of the key starts in [from, end): NOT_FOUND, or AMBIGUOUS when given twice. */
  valueAt(from: number, end: number): number {
    const { s, key } = this;
    if (this.searchedFrom < 0 || (this.next !== -1 && this.next < from)) {
      this.next = s.indexOf(key, from);
      this.searchedFrom = from;
    }
    let found = NOT_FOUND;
    while (this.next !== -1 && this.next < end) {
      let q = this.next + key.length;
      while (isWs(s.charCodeAt(q))) q++;
      if (s.charCodeAt(q) === 58 /* : */) {
        if (found !== NOT_FOUND) found = AMBIGUOUS;
        else {
          q++;
          while (isWs(s.charCodeAt(q))) q++;
          found = q;
        }
      }
      this.next = s.indexOf(key, this.next + key.length);
    }
    return found;
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function trimmedCodes(arrayText: string): string[] | null {
  let codes = arrayCache.get(arrayText);
  if (codes !== undefined) return codes;
  // Non-ASCII text read as latin1 is not the UTF-8 the reference sees: let the reference do it.
  codes = NON_ASCII.test(arrayText) ? null : (JSON.parse(arrayText) as string[]).map((c) => c.trim());
  if (arrayCache.size >= MAX_CACHED_ARRAYS) arrayCache.clear();
  arrayCache.set(arrayText, codes);
  return codes;
}

type FastLine = 'valid' | 'invalid' | 'unsure';

/** Fast verdict on a subset line [start, end) (its field types already proven by the regex), counting its codes. */
function fastLine(s: string, start: number, end: number, codesKey: KeyFinder, tally: LogTally): FastLine {
  const codesAt = codesKey.valueAt(start, end);
  if (codesAt === AMBIGUOUS) return 'unsure';
  if (codesAt === NOT_FOUND) return 'valid';
  // In the subset, array items are strings without quotes inside: jump from quote to quote
  // (a `]` may sit inside a string) to the closing bracket.
  let close = codesAt + 1;
  for (let c = s.charCodeAt(close); c !== 93 /* ] */; c = s.charCodeAt(close)) {
    close = c === 34 ? s.indexOf('"', close + 1) + 1 : close + 1;
  }
  const codes = trimmedCodes(s.slice(codesAt, close + 1));
  if (codes === null) return 'unsure';
  countCodes(tally.codes, codes);
  return 'valid';
}

/**
 * Counts the complete lines in buf[start, end) into `tally`; `end` must follow a `\n` (or be the
 * end of a final line). Returns nothing: the tally, including `last`, is updated in place.
 */
export function scanLines(buf: Buffer, start: number, end: number, tally: LogTally): void {
  if (end <= start) return;
  // latin1 maps each byte to one char: regex positions are byte offsets.
  const s = buf.toString('latin1', start, end);
  const length = s.length;
  let p = 0;
  let lastValidStart = -1;
  let lastValidEnd = -1;
  const codesKey = new KeyFinder(s, REASON_CODES);
  while (p < length) {
    SIMPLE_LINE.lastIndex = p;
    let lineEnd: number; // exclusive, newline included when present
    let verdict: FastLine = 'unsure';
    if (SIMPLE_LINE.test(s)) {
      lineEnd = SIMPLE_LINE.lastIndex;
      verdict = fastLine(s, p, lineEnd, codesKey, tally);
    } else {
      const nl = s.indexOf('\n', p);
      lineEnd = nl === -1 ? length : nl + 1;
    }
    if (verdict === 'unsure') {
      const line = parseCycleLine(buf.toString('utf8', start + p, start + lineEnd));
      if (line.kind === 'valid') countCodes(tally.codes, line.codes.map((c) => c.trim()));
      verdict = line.kind === 'valid' ? 'valid' : line.kind === 'invalid' ? 'invalid' : 'unsure';
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
  if (lastValidStart >= 0) {
    const last = parseCycleLine(buf.toString('utf8', start + lastValidStart, start + lastValidEnd));
    if (last.kind === 'valid') tally.last = { codes: last.codes, reason: last.reason };
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
      tally.last = { codes: line.codes, reason: line.reason };
    } else if (line.kind === 'invalid') {
      tally.invalid++;
    }
  }
}

/** Whether one line (no newline) is decided without the reference parser: for tests and benchmarks. */
export function takesFastPath(line: string): boolean {
  const s = Buffer.from(line + '\n', 'utf8').toString('latin1');
  SIMPLE_LINE.lastIndex = 0;
  if (!SIMPLE_LINE.test(s) || SIMPLE_LINE.lastIndex !== s.length) return false;
  return fastLine(s, 0, s.length, new KeyFinder(s, REASON_CODES), { cycles: 0, invalid: 0, codes: {}, last: null }) !== 'unsure';
}
