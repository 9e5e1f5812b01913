/**
 * The UTF-8 bytes of `JSON.stringify(record)` for a decision record, its gate results written
 * against the one before. A wide check's record is megabytes of gate results that differ in
 * their surface and little else (the same message, trace and source for each surface of a
 * gate): JSON.stringify escapes every copy again, and one `→` of a trace makes its whole text
 * two bytes a character, to be encoded after. Here a result that differs from the previous one
 * only in its surface is the previous one's bytes around its own surface name.
 */

/** The keys of a gate result (engine/record.ts GateResult), in their order. */
const GATE_KEYS = ['name', 'phase', 'surface', 'result', 'message', 'trace', 'source'] as const;
/** Marks where a value goes in a text: a string no record holds (checked: found exactly once). */
const HOLE = '\u0000rollgate-record-hole\u0000';
const HOLE_JSON = JSON.stringify(HOLE);

type Entry = Record<(typeof GATE_KEYS)[number], unknown>;

/** A growing buffer. */
class Bytes {
  buf: Buffer;
  /** The same memory as a plain Uint8Array: in a cold process its copyWithin of small ranges took a third of a Buffer's time. */
  private view: Uint8Array;
  at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  room(n: number): Buffer {
    if (this.at + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
      grown.set(this.buf.subarray(0, this.at));
      this.buf = grown;
      this.view = new Uint8Array(grown.buffer, grown.byteOffset, grown.length);
    }
    return this.buf;
  }

  /** Bytes written before, at [start, end), again at the end. */
  again(start: number, end: number): void {
    this.room(end - start);
    this.view.copyWithin(this.at, start, end);
    this.at += end - start;
  }

  text(s: string): void {
    this.at += this.room(s.length * 3).write(s, this.at, 'utf8');
  }

  /** A JSON string: printable ASCII without a quote or backslash is itself between quotes. */
  quoted(s: string): void {
    const buf = this.room(s.length + 2);
    let at = this.at;
    buf[at++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return this.text(JSON.stringify(s));
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.at = at;
  }
}

/** Only what JSON.stringify writes as its own fields: an object of Object.prototype, no toJSON. */
function plain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && (v as { toJSON?: unknown }).toJSON === undefined;
}

/** An object with exactly the keys of a gate result, in that order (an own enumerable key each). */
function isGateEntry(v: unknown): v is Entry {
  if (!plain(v)) return false;
  let n = 0;
  for (const k in v) if (k !== GATE_KEYS[n++]) return false; // own keys only: v's prototype is Object.prototype
  return n === GATE_KEYS.length;
}

/** The same JSON, whatever the surface: equal fields (the same objects, lists of the same items). */
function sameButSurface(a: Entry, b: Entry): boolean {
  return a.name === b.name && a.phase === b.phase && a.result === b.result && a.message === b.message && a.source === b.source && sameItems(a.trace, b.trace);
}

function sameItems(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A text split at its one hole (null: the hole is not there exactly once). */
function aroundHole(text: string | undefined): [string, string] | null {
  const i = text === undefined ? -1 : text.indexOf(HOLE_JSON);
  if (i < 0 || text!.indexOf(HOLE_JSON, i + 1) >= 0) return null;
  return [text!.slice(0, i), text!.slice(i + HOLE_JSON.length)];
}

type Named = Entry & { surface: string };

/** A gate result with a surface name: one that a run's bytes can be written for. */
const named = (v: unknown): v is Named => isGateEntry(v) && typeof v.surface === 'string';

/** Whether `v` belongs to the run `first` starts: a result that differs from it at most in its surface. */
const joins = (first: Named, v: unknown): v is Named => named(v) && sameButSurface(v, first);

/** Whether a run starts at gates[i] (gates[i + 1] is undefined past the end: no run). */
function runAt(gates: unknown[], i: number): boolean {
  const a = gates[i];
  return named(a) && joins(a, gates[i + 1]);
}

/**
 * The list: each run of results that differ only in their surface as its first result's bytes
 * around each surface name; what is between runs (results that repeat nothing) in one
 * JSON.stringify, as fast as it writes them.
 */
function writeGates(out: Bytes, gates: unknown[]): void {
  out.room(1)[out.at++] = 0x5b; // [
  for (let i = 0; i < gates.length;) {
    if (i > 0) out.room(1)[out.at++] = 0x2c; // ,
    let j = i;
    while (j < gates.length && !runAt(gates, j)) j++;
    if (j > i) {
      // JSON.stringify's items of gates[i, j), without the list's brackets.
      const items = JSON.stringify(gates.slice(i, j));
      out.text(items.slice(1, -1));
      i = j;
      continue;
    }
    const first = gates[i] as Named; // runAt(gates, i)
    const parts = aroundHole(JSON.stringify({ ...first, surface: HOLE }));
    if (parts === null) {
      out.text(JSON.stringify(first));
      i++;
      continue;
    }
    // Between two surfaces of a run the bytes are always the same: the end of one result, a
    // comma, the start of the next. Written once, then copied: one copy per result.
    out.text(parts[0]);
    out.quoted(first.surface);
    const between = out.at;
    out.text(parts[1]);
    const end = out.at;
    out.room(1)[out.at++] = 0x2c;
    out.text(parts[0]);
    const betweenEnd = out.at;
    out.quoted((gates[++i] as Named).surface); // runAt(gates, i - 1): gates[i] joins
    for (let next = gates[++i]; i < gates.length && joins(first, next); next = gates[++i]) {
      out.again(between, betweenEnd);
      out.quoted(next.surface);
    }
    out.again(between, end);
  }
  out.room(1)[out.at++] = 0x5d; // ]
}

/**
 * JSON.stringify(record) as UTF-8 in a buffer with `room` bytes free after it; null for what is
 * not a plain record with a list of gates (the caller stringifies it).
 */
export function recordJsonBytes(record: object, room: number): { buf: Buffer; length: number } | null {
  if (!plain(record) || !Array.isArray(record.gates) || Object.getPrototypeOf(record.gates) !== Array.prototype || (record.gates as { toJSON?: unknown }).toJSON !== undefined) return null;
  const parts = aroundHole(JSON.stringify({ ...record, gates: HOLE }));
  if (parts === null) return null;
  // About the size of a wide record's gate result, so that it seldom grows.
  const out = new Bytes(parts[0].length * 3 + record.gates.length * 400 + parts[1].length * 3 + room);
  out.text(parts[0]);
  writeGates(out, record.gates);
  out.text(parts[1]);
  out.room(room);
  return { buf: out.buf, length: out.at };
}
