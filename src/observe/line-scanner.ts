/**
 * Fast counting of cycle reports in a buffer of complete lines, without JSON.parse per line.
 *
 * How it stays exact: a line is counted on the fast path only when one sticky regex proves it
 * is a JSON object in a strict subset (string values without escapes or control characters,
 * plain numbers, true/false/null, arrays of such strings; `health_reason` a string and
 * `reason_codes` an array of strings) and no key appears twice. In that subset a quote can only
 * delimit a string, and a string followed by `:` is necessarily a top-level key, so the keys can
 * be listed and `"reason_codes"` followed by `:` is the key; its array text is parsed once and
 * reused (logs repeat a handful of arrays).
 *
 * Duplicate keys stay cheap to refuse: the key sequence of a line (its shape) is memoized as a
 * sticky regex of the same subset with those keys spelled out, so a line of a known shape is
 * proven in the subset and duplicate-free by one regex test, as fast as the general one. A line
 * of a new shape is matched by the general regex and its keys listed once.
 *
 * Line templates come first (line-templates.ts): a line the regexes proved valid becomes a
 * template, its exact bytes with each unsigned integer made a slot, and the lines of a piece
 * that match one are counted in WebAssembly without becoming strings. Most lines of a real log
 * repeat a few templates (their counters and timestamps change). Only the lines none matches
 * are made strings, one at a time, for the regexes below.
 *
 * Every other line (escapes, nesting, unicode in the codes, a duplicate key, garbage, blank
 * lines) goes to parseCycleLine, the reference, which also says whether an invalid line is
 * suspect (may carry reason codes). test/observe/line-scanner.test.ts checks both paths agree.
 */
import { isGarbledCodesKey, parseCycleLine } from './cycle-line.js';
import { countCodes, noteDoubt, quoteProducerText, type LogTally } from '../engine/log-tally.js';
import { canonicalCode } from '../tau/reason-codes.js';
import { flushTemplates, forgetTemplates, lastTemplated, learnTemplate, loadPiece, roomForTemplate, scanTemplated, type Template } from './line-templates.js';

const WS = '[ \\t\\r]*';
const STR = '"[^"\\\\\\x00-\\x1f]*"';
const NUM = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
const ARRAY = `\\[${WS}(?:${STR}(?:${WS},${WS}${STR})*)?${WS}\\]`;
const VALUE = `(?:${STR}|${NUM}|true|false|null|${ARRAY})`;
/** health_reason must be a string, reason_codes an array of strings; any other key any value. */
const MEMBER =
  `(?:"health_reason"${WS}:${WS}${STR}|"reason_codes"${WS}:${WS}${ARRAY}` +
  `|(?!"(?:health_reason|reason_codes)"${WS}:)${STR}${WS}:${WS}${VALUE})`;
/** One whole line, newline included, in the subset (keys may repeat: checked apart). */
const SIMPLE_LINE = new RegExp(`${WS}\\{${WS}(?:${MEMBER}(?:${WS},${WS}${MEMBER})*)?${WS}\\}${WS}\\n`, 'y');
const NON_ASCII = /[^\x00-\x7f]/;
const REASON_CODES = '"reason_codes"';
const HEALTH_REASON = '"health_reason"';

/** Where a line read from a file starts: names the line in a doubt sentence. */
export interface LineOrigin {
  /** The file's name, e.g. runtime-events.jsonl.1. */
  name: string;
  /** File offset of the first byte scanned. */
  offset: number;
}

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
 * Where the value of the top-level key `quotedKey` (`"reason_codes"`, `"health_reason"`) starts
 * in a subset line [from, end), or -1. The regex allows each key once, so the first occurrence
 * followed by `:` is it; one that is not followed by `:` is a string value that reads the same.
 */
function valueAt(s: string, from: number, end: number, quotedKey: string): number {
  for (let at = s.indexOf(quotedKey, from); at !== -1 && at < end; at = s.indexOf(quotedKey, at + quotedKey.length)) {
    let q = at + quotedKey.length;
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
  return { text, codes: NON_ASCII.test(text) ? null : (JSON.parse(text) as string[]).map(canonicalCode) };
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

  /** Counts one line carrying the array at s[start]; false when the array is not fast-path safe. */
  count(s: string, start: number): boolean {
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
  const codesAt = valueAt(s, start, end, REASON_CODES);
  return codesAt === -1 || arrays.count(s, codesAt);
}

/** A memoized key sequence: its regex matches exactly the subset lines with these keys, in order. */
interface Shape {
  re: RegExp;
  hasCodes: boolean;
  /** The first character of its first key (`}` for `{}`): most lines are told apart by it, no regex run. */
  lead: number;
}

/** Known shapes, the most used first (a hit moves one place up among those of its lead). Logs have a handful. */
const shapes: Shape[] = [];
const MAX_SHAPES = 16;
const MAX_SHAPE_KEYS = 64;
const MAX_SHAPE_KEY_CHARS = 2048;
/** Once full, a new shape replaces the last one at most once per this many unknown-shape lines. */
const SHAPE_REPLACE_EVERY = 1024;
let unknownShapeLines = 0;

function shapeRegex(keys: string[]): RegExp {
  const member = (key: string) =>
    `"${key.replace(/[^A-Za-z0-9_]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"${WS}:${WS}` +
    (key === 'health_reason' ? STR : key === 'reason_codes' ? ARRAY : VALUE);
  return new RegExp(`${WS}\\{${WS}${keys.map(member).join(`${WS},${WS}`)}${WS}\\}${WS}\\n`, 'y');
}

let keyFrom = new Int32Array(64);
let keyTo = new Int32Array(64);

/**
 * The keys of a subset line [start, end) into keyFrom/keyTo (string contents, quotes excluded);
 * returns how many. In the subset strings hold no quote, so quotes pair up in order.
 */
function listKeys(s: string, start: number, end: number): number {
  let n = 0;
  for (let q = s.indexOf('"', start); q !== -1 && q < end; ) {
    const close = s.indexOf('"', q + 1);
    let j = close + 1;
    while (isWs(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 58 /* : */) {
      if (n === keyFrom.length) {
        const from = new Int32Array(n * 2);
        const to = new Int32Array(n * 2);
        from.set(keyFrom);
        to.set(keyTo);
        keyFrom = from;
        keyTo = to;
      }
      keyFrom[n] = q + 1;
      keyTo[n] = close;
      n++;
    }
    q = s.indexOf('"', close + 1);
  }
  return n;
}

function sameKey(s: string, a: number, b: number): boolean {
  const len = keyTo[a]! - keyFrom[a]!;
  if (keyTo[b]! - keyFrom[b]! !== len) return false;
  for (let i = 0, x = keyFrom[a]!, y = keyFrom[b]!; i < len; i++) if (s.charCodeAt(x + i) !== s.charCodeAt(y + i)) return false;
  return true;
}

/** Whether the keys of a subset line of unknown shape are distinct; a distinct shape is learned. */
function distinctKeys(s: string, start: number, end: number, learn: boolean): boolean {
  const n = listKeys(s, start, end);
  // A key that reads as reason_codes garbled is for the reference parser (it makes the line suspect).
  for (let a = 0; a < n; a++) if (isGarbledCodesKey(s.slice(keyFrom[a]!, keyTo[a]!))) return false;
  if (n <= 32) {
    for (let a = 1; a < n; a++) for (let b = 0; b < a; b++) if (sameKey(s, a, b)) return false;
  } else {
    const seen = new Set<string>();
    for (let a = 0; a < n; a++) seen.add(s.slice(keyFrom[a]!, keyTo[a]!));
    if (seen.size !== n) return false;
  }
  if (!learn || n > MAX_SHAPE_KEYS) return true;
  let chars = 0;
  for (let a = 0; a < n; a++) chars += keyTo[a]! - keyFrom[a]!;
  if (chars > MAX_SHAPE_KEY_CHARS) return true;
  if (shapes.length >= MAX_SHAPES) {
    if (++unknownShapeLines < SHAPE_REPLACE_EVERY) return true;
    shapes.pop();
  }
  unknownShapeLines = 0;
  const keys: string[] = [];
  for (let a = 0; a < n; a++) keys.push(s.slice(keyFrom[a]!, keyTo[a]!));
  shapes.push({ re: shapeRegex(keys), hasCodes: keys.includes('reason_codes'), lead: n > 0 ? s.charCodeAt(keyFrom[0]!) : 125 /* } */ });
  return true;
}

/** Drops the memoized shapes: for tests, which must pass with a cold and a warm memo. */
export function forgetShapes(): void {
  shapes.length = 0;
  unknownShapeLines = 0;
  forgetTemplates();
}

/** The shape knownShapeEnd matched last. */
let matchedShape: Shape | null = null;

/** The end of a subset line at p of a known shape (then matchedShape, moved up), or -1. */
function knownShapeEnd(s: string, p: number): number {
  // A line as the producer writes it starts `{"` and its first key: only shapes of that lead can match.
  const lead = s.charCodeAt(p) === 123 /* { */ ? (s.charCodeAt(p + 1) === 34 /* " */ ? s.charCodeAt(p + 2) : s.charCodeAt(p + 1) === 125 ? 125 : -1) : -1;
  for (let i = 0; i < shapes.length; i++) {
    const shape = shapes[i]!;
    if (lead !== -1 && shape.lead !== lead) continue;
    shape.re.lastIndex = p;
    if (shape.re.test(s)) {
      if (i > 0 && shapes[i - 1]!.lead === shape.lead) {
        shapes[i] = shapes[i - 1]!;
        shapes[i - 1] = shape;
      }
      matchedShape = shape;
      return shape.re.lastIndex;
    }
  }
  return -1;
}

/** The codes of a subset line proven valid (canonical), or null when they cannot be told here. */
function subsetCodes(s: string, start: number, end: number): string[] | null {
  const at = valueAt(s, start, end, REASON_CODES);
  if (at === -1) return [];
  const known = arrayAt(s, at);
  return known.codes;
}

/** The health_reason of a subset line proven valid: a string without escapes, so its text is its value ('' without the key). */
function subsetReason(s: string, start: number, end: number): string {
  const at = valueAt(s, start, end, HEALTH_REASON);
  return at === -1 ? '' : s.slice(at + 1, s.indexOf('"', at + 1));
}

/**
 * Counts the complete lines in buf[start, end) into `tally` (in place, `last` included);
 * `end` follows a `\n`, or ends a final line. `origin` names the lines in doubt sentences.
 */
export function scanLines(buf: Buffer, start: number, end: number, tally: LogTally, origin?: LineOrigin, lastValid?: LastValid): void {
  if (end <= start) return;
  const length = end - start;
  const templated = loadPiece(buf, start, end);
  const arrays = new ArrayMemo();
  let p = 0; // offsets in the piece: buf[start + p]
  let lastValidStart = -1;
  let lastValidEnd = -1;
  // The template the last valid line matched (it tells that line's codes and reason), or null.
  let lastTemplate: Template | null = null;
  while (p < length) {
    if (templated) {
      const q = scanTemplated(p, length);
      if (q > p) {
        const last = lastTemplated()!; // read now: a template learned below may take its slot
        lastValidStart = last.start;
        lastValidEnd = last.end;
        lastTemplate = last.template;
        p = q;
        if (p >= length) break;
      }
    }
    // A line no template matched, as a string of its own (latin1: one char per byte).
    const nl = buf.indexOf(10, start + p);
    const lineEnd = nl === -1 || nl >= end ? length : nl + 1 - start; // exclusive, newline included when present
    const s = buf.toString('latin1', start + p, start + lineEnd);
    const verdict = lineVerdict(s, buf, start + p, arrays, tally, origin, p);
    if (verdict === 'valid') {
      tally.cycles++;
      lastValidStart = p;
      lastValidEnd = lineEnd;
      lastTemplate = null;
    } else if (verdict === 'invalid') {
      tally.invalid++;
    }
    p = lineEnd;
  }
  arrays.flush(tally);
  if (templated) flushTemplates(tally);
  if (lastValidStart < 0) return;
  if (lastValid) {
    lastValid.start = start + lastValidStart;
    lastValid.end = start + lastValidEnd;
    lastValid.known = lastTemplate;
  } else if (lastTemplate !== null) {
    tally.last = lastReport(lastTemplate.codes, lastTemplate.reason);
  } else {
    setLast(buf, start + lastValidStart, start + lastValidEnd, tally);
  }
}

/**
 * Whether the line s (latin1, newline included when present; at buf[at], piece offset `p`) is
 * valid, invalid or blank, its codes counted when valid; a valid plain line is learned as a template.
 */
function lineVerdict(s: string, buf: Buffer, at: number, arrays: ArrayMemo, tally: LogTally, origin: LineOrigin | undefined, p: number): 'valid' | 'invalid' | 'blank' {
  let valid = false;
  if (knownShapeEnd(s, 0) === s.length) valid = !matchedShape!.hasCodes || countFast(s, 0, s.length, arrays);
  else {
    SIMPLE_LINE.lastIndex = 0;
    if (SIMPLE_LINE.test(s) && SIMPLE_LINE.lastIndex === s.length) valid = distinctKeys(s, 0, s.length, true) && countFast(s, 0, s.length, arrays);
  }
  if (valid) {
    if (roomForTemplate()) {
      const codes = subsetCodes(s, 0, s.length);
      if (codes !== null) learnTemplate(s, 0, s.length, codes, subsetReason(s, 0, s.length), tally);
    }
    return 'valid';
  }
  const text = buf.toString('utf8', at, at + s.length);
  const line = parseCycleLine(text);
  if (line.kind === 'valid') countCodes(tally.codes, line.codes.map(canonicalCode));
  else if (line.kind === 'invalid' && line.suspect !== null) noteSuspect(tally, origin, p, line.suspect, text);
  return line.kind;
}

/**
 * Where the last valid line of a scanLines call is in its buffer: given one, scanLines records
 * it there and leaves tally.last alone, for the caller to set once after several calls (setLast).
 */
export interface LastValid {
  start: number;
  end: number;
  /**
   * The line's codes (canonical) and reason when a template told them, so it is not parsed
   * again (a routine check's one new line was parsed twice: a tenth of a simulated check).
   */
  known?: { codes: string[]; reason: string } | null;
}

/** tally.last from the last valid line scanLines found (last.start >= 0). */
export function setLastValid(buf: Buffer, last: LastValid, tally: LogTally): void {
  if (last.known) tally.last = lastReport(last.known.codes, last.known.reason);
  else setLast(buf, last.start, last.end, tally);
}

/** tally.last from the valid line buf[start, end). */
export function setLast(buf: Buffer, start: number, end: number, tally: LogTally): void {
  const last = parseCycleLine(buf.toString('utf8', start, end));
  if (last.kind === 'valid') tally.last = lastReport(last.codes, last.reason);
}

function noteSuspect(tally: LogTally, origin: LineOrigin | undefined, at: number, why: string, text: string): void {
  const where = origin ? `${origin.name} byte ${origin.offset + at}` : `byte ${at}`;
  noteDoubt(tally, 'suspect', `${where}: ${why}: ${quoteProducerText(text.trim())}`);
}

/** The reference counter, line by line with parseCycleLine: what scanLines must equal. */
export function scanLinesReference(buf: Buffer, tally: LogTally, origin?: LineOrigin): void {
  for (let p = 0; p < buf.length; ) {
    const nl = buf.indexOf(10, p);
    const lineEnd = nl === -1 ? buf.length : nl + 1;
    const raw = buf.toString('utf8', p, lineEnd);
    const line = parseCycleLine(raw);
    if (line.kind === 'valid') {
      tally.cycles++;
      countCodes(tally.codes, line.codes.map(canonicalCode));
      tally.last = lastReport(line.codes, line.reason);
    } else if (line.kind === 'invalid') {
      tally.invalid++;
      if (line.suspect !== null) noteSuspect(tally, origin, p, line.suspect, raw);
    }
    p = lineEnd;
  }
}

/** Whether one line (no newline) is counted without the reference parser: for tests. */
export function takesFastPath(line: string): boolean {
  const s = Buffer.from(line + '\n', 'utf8').toString('latin1');
  SIMPLE_LINE.lastIndex = 0;
  if (!SIMPLE_LINE.test(s) || SIMPLE_LINE.lastIndex !== s.length) return false;
  return distinctKeys(s, 0, s.length, false) && countFast(s, 0, s.length, new ArrayMemo());
}

/** Longest health_reason and code list kept: they travel into every record and the saved cursor. */
const MAX_REASON_CHARS = 1000;
const MAX_CODES = 100;

/** The last report as remembered: a runaway line cannot bloat the state, the journal or the page. */
function lastReport(codes: string[], reason: string): { codes: string[]; reason: string } {
  return {
    codes: (codes.length > MAX_CODES ? codes.slice(0, MAX_CODES) : codes).map(canonicalCode),
    reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}… (${reason.length} characters, cut)` : reason,
  };
}
