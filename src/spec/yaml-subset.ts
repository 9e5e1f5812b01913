/**
 * A reader for the plain subset of YAML that rollout specs are written in: block mappings and
 * sequences, one-line flow collections, plain and simply quoted scalars, comments. The `yaml`
 * library is general, and run cold (once per command) it took a third of a wide `evaluate`.
 * Anything outside the subset, or anything the library would warn or fail on, returns null and
 * the library reads the text instead: this gives either the library's value and positions, or
 * nothing (test/spec/yaml-subset.test.ts compares the two on every spec and many variants).
 */
import type { Position, SourceMap } from './source-map.js';

/** Where a parsed node starts, and for a mapping or a sequence, where its children do. */
interface Located {
  line: number;
  col: number;
  /** A mapping's entries, in order: the key, its position and the value's node. */
  keys?: Entry[];
  items?: Located[];
}

interface Entry {
  key: string;
  line: number;
  col: number;
  node: Located;
}

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

interface Parsed {
  value: unknown;
  node: Located;
}

/** Thrown to give up on the subset; caught in parseYamlSubset only. */
class NotSubset {}
const bail = (): never => {
  throw new NotSubset();
};

/** Deeper than this, the library reads the text (it has the depth checks). */
const MAX_SUBSET_DEPTH = 40;
/** YAML limits an implicit key to 1024 characters; stay well inside. */
const MAX_KEY = 512;

/**
 * A character the subset leaves to the library: a control character (tab and CR included), and
 * of the rest of Unicode only what YAML or this reader treats unlike a letter. Those are NEL and
 * the other C1 controls, lone surrogates, U+FFFE and U+FFFF, and every character JavaScript's
 * trim takes for a space (NBSP, U+2000–U+200A, the line and paragraph separators, the BOM…): YAML
 * keeps them in a scalar, and this reader trims with trimEnd. Any other character (é, §, →, an
 * emoji) is content here as in YAML, and positions count UTF-16 units in both readers. Specs
 * often say `5% → 25%` in a comment, and such a file went to the library whole: about 25 ms of
 * a 115 ms `validate`.
 */
const OUTSIDE = /[^\n\x20-\x7e\u{a1}-\u{167f}\u{1681}-\u{1fff}\u{200b}-\u{2027}\u{202a}-\u{202e}\u{2030}-\u{205e}\u{2060}-\u{2fff}\u{3001}-\u{d7ff}\u{e000}-\u{fefe}\u{ff00}-\u{fffd}\u{10000}-\u{10ffff}]/u;

/** The value and a source map, or null when the text is not in the subset. */
export function parseYamlSubset(text: string): { value: unknown; sourceMap: SourceMap } | null {
  // Tabs, CR, control characters, document markers, directives: the library's.
  if (OUTSIDE.test(text) || /^(?:---|\.\.\.|%)/m.test(text)) return null;
  try {
    const reader = new SubsetReader(text.split('\n'));
    const parsed = reader.document();
    return { value: parsed.value, sourceMap: new SubsetSourceMap(parsed.node) };
  } catch (err) {
    if (err instanceof NotSubset) return null;
    throw err;
  }
}

const isBlank = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 35) return true; // '#': a comment line
    if (c !== 32) return false;
  }
  return true;
};

const indentOf = (s: string): number => {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return i;
};

const skipSpaces = (s: string, p: number): number => {
  while (s.charCodeAt(p) === 32) p++;
  return p;
};

/** After a value: only spaces and a comment (a `#` after a space) may follow on the line. */
const endOfLine = (s: string, p: number): void => {
  const q = skipSpaces(s, p);
  if (q < s.length && !(s[q] === '#' && q > p)) bail();
};

/** Characters a plain scalar cannot start with (`-` is checked apart: `-5` is a scalar). */
const INDICATORS = new Set([...'?:,[]{}#&*!|>\'"%@`']);

class SubsetReader {
  private i = 0;

  constructor(private readonly lines: string[]) {}

  document(): Parsed {
    this.skipBlank();
    if (this.i >= this.lines.length || indentOf(this.lines[this.i]!) !== 0) bail();
    const parsed = this.blockNode(0, 0);
    this.skipBlank();
    if (this.i < this.lines.length) bail();
    return parsed;
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && isBlank(this.lines[this.i]!)) this.i++;
  }

  /** The next content line's indentation, or -1 at the end. */
  private nextIndent(): number {
    this.skipBlank();
    return this.i < this.lines.length ? indentOf(this.lines[this.i]!) : -1;
  }

  private blockNode(indent: number, depth: number): Parsed {
    if (depth > MAX_SUBSET_DEPTH) bail();
    return isDash(this.lines[this.i]!, indent) ? this.blockSeq(indent, depth) : this.blockMap(indent, depth);
  }

  private blockMap(indent: number, depth: number): Parsed {
    const value: Record<string, unknown> = {};
    const keys: Entry[] = [];
    const node: Located = { line: this.i + 1, col: indent + 1, keys };
    while (this.nextIndent() === indent) {
      const s = this.lines[this.i]!;
      if (isDash(s, indent)) bail(); // a sequence at a mapping's indentation, not after `key:`
      const line = this.i + 1;
      const { key, end } = blockKey(s, indent);
      if (key === '__proto__' || key === '<<' || has(value, key)) bail();
      const child = this.valueAfterKey(s, end, indent, depth);
      keys.push({ key, line, col: indent + 1, node: child.node });
      value[key] = child.value;
    }
    if (this.i < this.lines.length && indentOf(this.lines[this.i]!) > indent) bail();
    return { value, node };
  }

  /** The value of `key:` whose colon ends at `p`: on the line, or the block on the lines below. */
  private valueAfterKey(s: string, p: number, indent: number, depth: number): Parsed {
    const q = skipSpaces(s, p);
    if (q < s.length && !(s[q] === '#' && q > p)) {
      const parsed = inlineValue(s, q, this.i + 1, depth);
      this.i++;
      return parsed;
    }
    this.i++;
    const next = this.nextIndent();
    if (next > indent) return this.blockNode(next, depth + 1);
    if (next === indent && isDash(this.lines[this.i]!, indent)) return this.blockSeq(indent, depth + 1);
    return bail(); // an empty value (null): the library's
  }

  private blockSeq(indent: number, depth: number): Parsed {
    const value: unknown[] = [];
    const items: Located[] = [];
    const node: Located = { line: this.i + 1, col: indent + 1, items };
    while (this.nextIndent() === indent && isDash(this.lines[this.i]!, indent)) {
      const s = this.lines[this.i]!;
      const at = skipSpaces(s, indent + 1);
      if (at === indent + 1 || at >= s.length || s[at] === '#' || s[at] === '-') bail();
      let child: Parsed;
      if (startsEntry(s, at)) {
        // `- key: value`: a mapping indented at its first key (the dash counts as indentation).
        this.lines[this.i] = ' '.repeat(at) + s.slice(at);
        child = this.blockMap(at, depth + 1);
      } else {
        child = inlineValue(s, at, this.i + 1, depth);
        this.i++;
      }
      value.push(child.value);
      items.push(child.node);
    }
    if (this.i < this.lines.length && indentOf(this.lines[this.i]!) > indent) bail();
    return { value, node };
  }
}

const isDash = (s: string, indent: number): boolean => s[indent] === '-' && (s.length === indent + 1 || s[indent + 1] === ' ');

/** A block key at `p` and where its `:` ends, or bail. */
function blockKey(s: string, p: number): { key: string; end: number } {
  const c = s[p]!;
  if (c === '"' || c === "'") {
    const { text, end } = quoted(s, p);
    if (s[end] !== ':' || (end + 1 < s.length && s[end + 1] !== ' ')) bail();
    return { key: text, end: end + 1 };
  }
  const colon = keyColon(s, p);
  if (colon < 0) bail();
  const key = s.slice(p, colon);
  if (key.length > MAX_KEY || key.endsWith(' ') || typeof plainValue(key) !== 'string') bail();
  return { key, end: colon + 1 };
}

/** Whether a block sequence item at `p` is a mapping entry (`key: …`). */
function startsEntry(s: string, p: number): boolean {
  const c = s[p]!;
  if (c === '"' || c === "'") {
    const { end } = quoted(s, p);
    return s[end] === ':';
  }
  if (c === '{' || c === '[') return false;
  return keyColon(s, p) >= 0;
}

/** The `:` ending a plain block key that starts at `p` (followed by a space or the end), or -1. */
function keyColon(s: string, p: number): number {
  if (INDICATORS.has(s[p]!) || (s[p] === '-' && (p + 1 >= s.length || s[p + 1] === ' '))) bail();
  // Native searches, not a loop over characters: run cold, once per spec, a loop is interpreted.
  // A comment starts at ` #` (s[p] is no `#`: an indicator); the colon must come before it.
  const comment = s.indexOf(' #', p);
  const limit = comment < 0 ? s.length : comment + 1;
  for (let q = s.indexOf(':', p); q >= 0 && q < limit; q = s.indexOf(':', q + 1)) {
    if (q + 1 === s.length || s.charCodeAt(q + 1) === 32) return q;
  }
  return -1;
}

/** A scalar or a one-line flow collection at `p`, which must end the line (a comment may follow). */
function inlineValue(s: string, p: number, line: number, depth: number): Parsed {
  const c = s[p]!;
  if (c === '{' || c === '[') {
    const flow = new FlowReader(s, line, depth);
    const parsed = flow.node(p);
    endOfLine(s, flow.p);
    return parsed;
  }
  if (c === '"' || c === "'") {
    const { text, end } = quoted(s, p);
    endOfLine(s, end);
    return { value: text, node: { line, col: p + 1 } };
  }
  if (INDICATORS.has(c) || (c === '-' && (p + 1 >= s.length || s[p + 1] === ' '))) bail();
  let end = s.length;
  const hash = s.indexOf(' #', p);
  if (hash >= 0) end = hash;
  const raw = s.slice(p, end).trimEnd();
  if (raw.includes(': ') || raw.endsWith(':')) bail();
  return { value: plainValue(raw), node: { line, col: p + 1 } };
}

/** One-line flow collections (`{ "==": [ { var: x }, 0 ] }`). */
/** A flow plain scalar's characters: up to one that ends it, , [ ] { } : # (sticky: from lastIndex). */
const FLOW_PLAIN = /[^,[\]{}:#]*/y;

class FlowReader {
  p = 0;

  constructor(
    private readonly s: string,
    private readonly line: number,
    private readonly depth: number,
  ) {}

  node(p: number, depth = this.depth): Parsed {
    if (depth > MAX_SUBSET_DEPTH) bail();
    const s = this.s;
    const c = s[p];
    const at = { line: this.line, col: p + 1 };
    if (c === '{') return this.map(p, at, depth);
    if (c === '[') return this.seq(p, at, depth);
    if (c === '"' || c === "'") {
      const { text, end } = quoted(s, p);
      this.p = end;
      return { value: text, node: at };
    }
    const end = this.plainEnd(p);
    this.p = end;
    return { value: plainValue(s.slice(p, end).trimEnd()), node: at };
  }

  /** Where a flow plain scalar at `p` ends: before `,[]{}`, a `:` or a comment. */
  private plainEnd(p: number): number {
    const s = this.s;
    const c = s[p];
    if (c === undefined || INDICATORS.has(c) || (c === '-' && (p + 1 >= s.length || s[p + 1] === ' '))) bail();
    FLOW_PLAIN.lastIndex = p;
    FLOW_PLAIN.test(s); // always matches (maybe nothing): lastIndex is where the scalar ends
    const q = FLOW_PLAIN.lastIndex;
    if (s[q] === '#') bail();
    return q;
  }

  private map(p: number, at: Located, depth: number): Parsed {
    const s = this.s;
    const value: Record<string, unknown> = {};
    const keys: Entry[] = [];
    let q = skipSpaces(s, p + 1);
    if (s[q] === '}') {
      this.p = q + 1;
      return { value, node: { line: at.line, col: at.col, keys } };
    }
    for (;;) {
      const keyAt = q;
      let key: string;
      const c = s[q];
      if (c === '"' || c === "'") {
        const r = quoted(s, q);
        key = r.text;
        q = r.end;
        if (s[q] !== ':') bail();
      } else {
        const end = this.plainEnd(q);
        key = s.slice(q, end);
        if (s[end] !== ':' || s[end + 1] !== ' ' || key.endsWith(' ') || typeof plainValue(key) !== 'string') bail();
        q = end;
      }
      if (key === '__proto__' || key === '<<' || has(value, key)) bail();
      q = skipSpaces(s, q + 1);
      const child = this.node(q, depth + 1);
      keys.push({ key, line: this.line, col: keyAt + 1, node: child.node });
      value[key] = child.value;
      q = skipSpaces(s, this.p);
      if (s[q] === ',') {
        q = skipSpaces(s, q + 1);
        if (s[q] === '}') bail(); // a trailing comma
        continue;
      }
      if (s[q] !== '}') bail();
      this.p = q + 1;
      return { value, node: { line: at.line, col: at.col, keys } };
    }
  }

  private seq(p: number, at: Located, depth: number): Parsed {
    const s = this.s;
    const value: unknown[] = [];
    const items: Located[] = [];
    let q = skipSpaces(s, p + 1);
    if (s[q] === ']') {
      this.p = q + 1;
      return { value, node: { line: at.line, col: at.col, items } };
    }
    for (;;) {
      const child = this.node(q, depth + 1);
      value.push(child.value);
      items.push(child.node);
      q = skipSpaces(s, this.p);
      if (s[q] === ',') {
        q = skipSpaces(s, q + 1);
        if (s[q] === ']') bail();
        continue;
      }
      if (s[q] !== ']') bail();
      this.p = q + 1;
      return { value, node: { line: at.line, col: at.col, items } };
    }
  }
}

/** A quoted scalar on one line, without escapes: its text and the index after the closing quote. */
function quoted(s: string, p: number): { text: string; end: number } {
  const quote = s[p];
  if (quote === '"') {
    const close = s.indexOf('"', p + 1);
    if (close < 0) bail();
    const text = s.slice(p + 1, close);
    if (text.includes('\\')) bail();
    return { text, end: close + 1 };
  }
  let text = '';
  let q = p + 1;
  for (;;) {
    const close = s.indexOf("'", q);
    if (close < 0) bail();
    text += s.slice(q, close);
    if (s[close + 1] !== "'") return { text, end: close + 1 };
    text += "'";
    q = close + 2;
  }
}

// The YAML 1.2 core schema, as the `yaml` library resolves plain scalars.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

function plainValue(raw: string): unknown {
  if (raw === '') return bail();
  const c = raw.charCodeAt(0);
  // Most scalars are words: only these first characters can make a null, a bool or a number.
  if (!(c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57))) return raw;
  if (NULL.test(raw)) return null;
  if (BOOL.test(raw)) return raw[0] === 't' || raw[0] === 'T';
  if (INT_OCT.test(raw)) return parseInt(raw.substring(2), 8);
  if (INT.test(raw)) return parseInt(raw, 10);
  if (INT_HEX.test(raw)) return parseInt(raw.substring(2), 16);
  if (FLOAT_NAN.test(raw)) return raw.slice(-3).toLowerCase() === 'nan' ? NaN : raw[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(raw) || FLOAT.test(raw)) return parseFloat(raw);
  return raw;
}

/** DocumentSourceMap's answers, from the positions the subset reader kept. */
class SubsetSourceMap implements SourceMap {
  constructor(private readonly root: Located) {}

  locate(path: readonly (string | number)[], part: 'key' | 'value' = 'value'): Position {
    let node: Located = this.root;
    let at: Position = { line: node.line, col: node.col };
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (node.keys) {
        const name = String(segment);
        const entry: Entry | undefined = node.keys.find((e) => e.key === name);
        if (!entry) return at;
        if (i === path.length - 1 && part === 'key') return { line: entry.line, col: entry.col };
        node = entry.node;
      } else if (node.items) {
        const item: Located | undefined = node.items[Number(segment)];
        if (item === undefined) return at;
        node = item;
      } else {
        return at;
      }
      at = { line: node.line, col: node.col };
    }
    return at;
  }
}
