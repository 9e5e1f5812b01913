/**
 * The line templates of line-scanner.ts (see its header), matched in WebAssembly.
 *
 * A line the regexes proved valid (ASCII, in the subset) becomes a template: its exact bytes
 * with each unsigned integer outside strings made a slot for any unsigned JSON integer. A line
 * matching it has the same keys in the same order, the same strings and the same reason_codes
 * array, only other integers: it is valid, with the template's codes. template-match.wat holds
 * the templates as programs and tests the lines of a piece 16 bytes at a time, counting the
 * lines of each; the scanner takes every line none matches. Templates are picked by the line's
 * length (newline included); their codes are counted per template, expanded once per piece.
 */
import type { LogTally } from '../engine/log-tally.js';
import { TEMPLATE_MATCH_WASM } from './template-match-wasm.js';

export interface Template {
  codes: string[];
  /** Its health_reason ('' without one): a line matching it has the same strings. */
  reason: string;
  /** Lines matched since the memo last made room. */
  hits: number;
  length: number;
  /** Its place in the matcher's memory. */
  slot: number;
}

/** The part of WebAssembly used here (the project's type libraries do not declare it). */
interface WasmGlobal {
  value: number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmApi | undefined };

interface Matcher {
  scan: (from: number, end: number) => number;
  reset: () => void;
  bytes: Uint8Array;
  words: Int32Array;
  /** For the segment lengths, which need not be aligned. */
  view: DataView;
  lastStart: WasmGlobal;
  lastEnd: WasmGlobal;
  lastSlot: WasmGlobal;
  /** The layout (template-match.wat). */
  at: { HEADS: number; SLOTS: number; PROGS: number; PROG_BYTES: number; DATA: number; DATA_BYTES: number; MAX_LINE: number };
}

/** Made on first use; null where WebAssembly is not available (`node --jitless`). */
let matcher: Matcher | null | undefined;

/**
 * The matcher of this thread (a worker thread makes its own), or null without WebAssembly: the
 * scanner then proves every line with its regexes, slower, with the same counts.
 */
function theMatcher(): Matcher | null {
  if (matcher !== undefined) return matcher;
  matcher = null;
  if (wasm === undefined) return matcher;
  const { exports } = new wasm.Instance(new wasm.Module(Buffer.from(TEMPLATE_MATCH_WASM, 'base64')));
  const e = exports as Record<string, WasmGlobal> & { memory: { buffer: ArrayBuffer }; scan: Matcher['scan']; reset: Matcher['reset'] };
  const at = {} as Matcher['at'];
  for (const key of ['HEADS', 'SLOTS', 'PROGS', 'PROG_BYTES', 'DATA', 'DATA_BYTES', 'MAX_LINE'] as const) at[key] = e[key]!.value;
  // The memory never grows (the module asks for none), so these views stay valid.
  matcher = { scan: e.scan, reset: e.reset, bytes: new Uint8Array(e.memory.buffer), words: new Int32Array(e.memory.buffer), view: new DataView(e.memory.buffer), lastStart: e.lastStart!, lastEnd: e.lastEnd!, lastSlot: e.lastSlot!, at };
  return matcher;
}

/** The matcher, where a template exists (so it was made). */
function made(): Matcher {
  return matcher!;
}

/** The templates, oldest first, and by slot. */
const templates: Template[] = [];
const bySlot: (Template | undefined)[] = [];
/** At most the matcher's SLOT_COUNT (64): a template always finds a free slot. */
const MAX_TEMPLATES = 48;
/** Once full, the least used template makes room at most once per this many lines none matched. */
const TEMPLATE_REPLACE_EVERY = 4096;
let untemplatedLines = 0;

/**
 * Copies buf[start, end) into the matcher, its counts cleared; false when the piece is too large
 * for it (a line of megabytes: no template matches a line that long anyway), or there is none.
 */
export function loadPiece(buf: Buffer, start: number, end: number): boolean {
  const m = theMatcher();
  if (m === null) return false;
  m.reset();
  for (const t of templates) m.words[(m.at.SLOTS >> 2) + t.slot * 4 + 1] = 0; // none left from a call that threw
  if (end - start > m.at.DATA_BYTES) return false;
  m.bytes.set(buf.subarray(start, end), m.at.DATA);
  return true;
}

/**
 * Counts the lines of the loaded piece from `from` (an offset in it) that templates match, up to
 * the first line none does: returns where that line starts, or `end`.
 */
export function scanTemplated(from: number, end: number): number {
  return matcher!.scan(from, end);
}

/** The last line scanTemplated matched in this piece: its offsets and template, or null. */
export function lastTemplated(): { start: number; end: number; template: Template } | null {
  const m = matcher!;
  const slot = m.lastSlot.value;
  return slot < 0 ? null : { start: m.lastStart.value, end: m.lastEnd.value, template: bySlot[slot]! };
}

/** Whether a template may be learned now (the memo has room, or may make some). */
export function roomForTemplate(): boolean {
  return templates.length < MAX_TEMPLATES || ++untemplatedLines >= TEMPLATE_REPLACE_EVERY;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether a value may start after this character: `:`, `,`, `[` or whitespace. */
function startsValue(c: number): boolean {
  return c === 58 || c === 44 || c === 91 || c === 32 || c === 9 || c === 13;
}

/**
 * The program of the subset line s[start, end) (latin1, newline included): its literal segments,
 * each an unsigned integer apart; null when the line is not plain ASCII.
 */
function programOf(s: string, start: number, end: number): number[][] | null {
  const segments: number[][] = [[]];
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) return null;
    if (c === 34 /* " */) inString = !inString; // the subset has no escapes: quotes pair up
    else if (!inString && isDigit(c) && startsValue(s.charCodeAt(i - 1))) {
      // A whole unsigned integer (not signed, no fraction or exponent) becomes a slot.
      let j = i;
      while (isDigit(s.charCodeAt(j))) j++;
      const next = s.charCodeAt(j);
      if (next !== 46 /* . */ && next !== 101 /* e */ && next !== 69 /* E */) {
        segments.push([]);
        i = j - 1;
        continue;
      }
    }
    segments[segments.length - 1]!.push(c);
  }
  return segments;
}

/**
 * Learns the subset line s[start, end) (newline included), proven valid with `codes`
 * (canonical) and `reason`, as a template; nothing when it is not plain ASCII or too long.
 */
export function learnTemplate(s: string, start: number, end: number, codes: string[], reason: string, tally: LogTally): void {
  const m = theMatcher();
  const length = end - start;
  if (m === null || length > m.at.MAX_LINE || s.charCodeAt(end - 1) !== 10) return;
  const program = programOf(s, start, end);
  if (program === null) return;
  const size = program.reduce((n, seg) => n + 4 + seg.length, 0);
  if (size > m.at.PROG_BYTES - 16) return; // 16 bytes stay free: the matcher loads past a segment's end
  if (templates.length >= MAX_TEMPLATES) {
    let least = 0;
    for (let i = 1; i < templates.length; i++) if (templates[i]!.hits < templates[least]!.hits) least = i;
    const gone = templates[least]!;
    countTemplate(gone, tally); // its lines in this piece so far
    templates.splice(least, 1);
    unlink(gone);
    for (const t of templates) t.hits = 0;
  }
  untemplatedLines = 0;
  let slot = 0;
  while (bySlot[slot] !== undefined) slot++;
  const t: Template = { codes, reason, hits: 0, length, slot };
  templates.push(t);
  bySlot[slot] = t;
  let at = m.at.PROGS + slot * m.at.PROG_BYTES;
  const entry = (m.at.SLOTS >> 2) + slot * 4;
  m.words[entry + 1] = 0;
  m.words[entry + 2] = at;
  m.words[entry + 3] = program.length;
  for (const seg of program) {
    m.view.setInt32(at, seg.length, true);
    m.bytes.set(seg, at + 4);
    at += 4 + seg.length;
  }
  // First of its length: a new template is most likely what the next lines repeat.
  const head = (m.at.HEADS >> 2) + length;
  m.words[entry] = m.words[head]!;
  m.words[head] = slot + 1;
}

/** Takes a template out of its length's chain and frees its slot. */
function unlink(t: Template): void {
  const m = made();
  const slotsWord = m.at.SLOTS >> 2;
  let link = (m.at.HEADS >> 2) + t.length; // the word that points at the next slot + 1
  while (m.words[link] !== t.slot + 1) link = slotsWord + (m.words[link]! - 1) * 4;
  m.words[link] = m.words[slotsWord + t.slot * 4]!;
  bySlot[t.slot] = undefined;
}

/** A template's lines in this piece into the tally (cycles and codes). */
function countTemplate(t: Template, tally: LogTally): void {
  const m = made();
  const count = (m.at.SLOTS >> 2) + t.slot * 4 + 1;
  const lines = m.words[count]!;
  if (lines === 0) return;
  m.words[count] = 0;
  tally.cycles += lines;
  for (const code of t.codes) tally.codes[code] = (tally.codes[code] ?? 0) + lines;
  t.hits += lines;
}

/** Every template's lines in this piece into the tally. */
export function flushTemplates(tally: LogTally): void {
  for (let i = 0; i < templates.length; i++) countTemplate(templates[i]!, tally);
}

/** Drops the templates: for tests, which must pass with a cold and a warm memo. */
export function forgetTemplates(): void {
  for (const t of [...templates]) unlink(t);
  templates.length = 0;
  untemplatedLines = 0;
}
