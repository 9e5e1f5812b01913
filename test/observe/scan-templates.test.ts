/**
 * The template fast path (a learned line's text with its integers as slots) against the
 * reference parser: on warm templates, random and adversarial near-template lines must count
 * exactly as parseCycleLine counts them, tally, notes and doubt included, whether scanned in
 * one buffer, in pieces, or read from a file by readLogFd.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgetShapes, scanLines, scanLinesReference } from '../../src/observe/line-scanner.js';
import { readLogFd } from '../../src/observe/log-reader.js';
import { emptyTally, type LogTally } from '../../src/engine/log-tally.js';

const plain = (t: LogTally) => ({ ...t, codes: { ...t.codes } });

const FULL =
  '{"timestamp_unix_ms":1771200100007,"health_state":"healthy","health_reason":"no recent transport failures observed","reason_codes":["widget_views_updated","control_actions_applied"],"discovered_cases":2,"queued_cases":2,"applied_cases":2,"duplicate_skips":0,"malformed_cases":0,"retryable_failures":0,"retry_attempts":0,"failed_cases":0,"upserted_widgets":4,"control_actions_applied":1,"backlog_cases":0,"failure_streak":0}';
const DEMO = '{"reason_codes":["widget_views_updated"],"health_reason":"no recent transport failures observed"}';
const GATEWAY = '{"timestamp_unix_ms":900,"health_state":"healthy","health_reason":"dashboard runtime health is nominal","reason_codes":[],"discovered_cases":1,"queued_cases":1,"backlog_cases":0,"applied_cases":1,"failed_cases":0}';
const OTHER = '{"a":-1,"b":1.5,"c":1e3,"d":[],"e":true,"f":null,"reason_codes":["x_1","y"],"g":10}';
/** A string that reads as the health_reason key before the key itself (the last line's reason comes from the template). */
const DECOY = '{"note":"health_reason","n":7,"health_reason" : "the real reason","reason_codes":["retry_attempted"],"m":12}';
const BASES = [FULL, DEMO, GATEWAY, OTHER, DECOY];

/** Positions of the unsigned integers outside strings (what a template makes slots of). */
function integerSpans(line: string): [number, number][] {
  const spans: [number, number][] = [];
  const re = /[0-9]+/g;
  let inString = false;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    for (let i = last; i < m.index; i++) if (line[i] === '"') inString = !inString;
    last = m.index;
    if (!inString) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** A base line with its integers replaced: digits of the same or another length, or a non-integer. */
const variant = fc
  .record({
    base: fc.constantFrom(...BASES),
    picks: fc.array(
      fc.record({
        at: fc.nat(),
        value: fc.oneof(
          { weight: 6, arbitrary: fc.nat({ max: 9 }).map(String) },
          { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String) },
          fc.constantFrom('0', '00', '01', '-1', '-0', '1.5', '1e3', '1E+2', '0.0', 'x', '"1"', ' 1', '1 ', 'true', 'null', '', '１', '1\u00a0'),
        ),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ base, picks }) => {
    const spans = integerSpans(base);
    if (spans.length === 0) return base;
    const chosen = new Map<number, string>();
    for (const { at, value } of picks) chosen.set(at % spans.length, value);
    let out = '';
    let from = 0;
    spans.forEach(([a, b], i) => {
      out += base.slice(from, a) + (chosen.get(i) ?? base.slice(a, b));
      from = b;
    });
    return out + base.slice(from);
  });

/**
 * A base line with its integers rewritten to the same total length (so a learned template of
 * that length is tried): digits moved from one slot to another, leading zeros, empty slots, and
 * the characters next to the digits ('/' and ':') where a digit was.
 */
const sameLength = fc
  .record({
    base: fc.constantFrom(FULL, GATEWAY, DECOY),
    cuts: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
    chars: fc.array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...'0123456789') }, fc.constantFrom('/', ':', '-', '.', 'e', ' ', '"')), { minLength: 64, maxLength: 64 }),
  })
  .map(({ base, cuts, chars }) => {
    const spans = integerSpans(base);
    const total = spans.reduce((n, [a, b]) => n + b - a, 0);
    // A random composition of `total` over the slots: sorted cut points.
    const points = cuts.slice(0, spans.length - 1).map((c) => c % (total + 1)).sort((x, y) => x - y);
    const bounds = [0, ...points, total];
    let out = '';
    let from = 0;
    spans.forEach(([a, b], i) => {
      out += base.slice(from, a) + chars.slice(bounds[i]! % 64, (bounds[i]! % 64) + bounds[i + 1]! - bounds[i]!).join('').padEnd(bounds[i + 1]! - bounds[i]!, '7');
      from = b;
    });
    return out + base.slice(from);
  });

/** A base line with one character changed, inserted or deleted anywhere (same length or not). */
const mutated = fc.record({ base: fc.constantFrom(...BASES), at: fc.nat(), op: fc.nat({ max: 2 }), ch: fc.constantFrom('"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\t', '\r', '0', '5', 'a', 'R', '\u0000', '\u00e9', '\ufeff', '\u200b') }).map(({ base, at, op, ch }) => {
  const i = at % (base.length + 1);
  return op === 0 ? base.slice(0, i) + ch + base.slice(i + 1) : op === 1 ? base.slice(0, i) + ch + base.slice(i) : base.slice(0, i) + base.slice(i + 1);
});

const ADVERSARIAL = [
  FULL.replace('"health_state"', '"health_\\u0073tate"'),
  FULL.replace('"reason_codes"', '"reason_\\u0063odes"'),
  FULL.replace('"health_reason":"no recent', '"health_reason":"no \\"recent'),
  FULL.replace('"failure_streak":0}', '"failure_streak":0,"reason_codes":[]}'),
  FULL.replace('"backlog_cases":0', '"backlog_cases":{"reason_codes":["case_processing_failed"]}'),
  FULL.replace('"health_state":"healthy"', '"health_state":"\\"reason_codes\\":[\\"case_processing_failed\\"]"'),
  FULL.replace('"health_state":"healthy"', '"health_state":"reason_codes:[1]"'),
  FULL.replace('"failure_streak":0}', '"Reason_Codes":["case_processing_failed"]}'),
  FULL.replace('"failure_streak":0}', '"failure_streak":0,"failure_streak":1}'),
  DEMO.replace('"widget_views_updated"', '"widget_views_updated","case_processing_failed"'),
  DEMO.replace('widget_views_updated', ' widget_views_updated '),
  DEMO + '\r',
  '\ufeff' + DEMO,
  FULL.slice(0, 200),
  FULL.slice(0, FULL.length - 1),
  DEMO + DEMO,
  `[${DEMO}]`,
  '',
  '   ',
  'invalid-json-line',
];

const line = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...BASES) },
  { weight: 6, arbitrary: variant },
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: fc.constantFrom(...ADVERSARIAL) },
);

/** Lines joined, sometimes with CRLF, sometimes with invalid UTF-8 bytes in one line, the last one maybe without its newline. */
const log = fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 60 }), crlf: fc.boolean(), badByteIn: fc.option(fc.nat()), finalNewline: fc.boolean() }).map(({ lines, crlf, badByteIn, finalNewline }) => {
  const parts = lines.map((l) => Buffer.from(l, 'utf8'));
  if (badByteIn !== null) {
    const i = badByteIn % parts.length;
    const p = parts[i]!;
    const at = p.length === 0 ? 0 : badByteIn % p.length;
    parts[i] = Buffer.concat([p.subarray(0, at), Buffer.from([0xff, 0xc3]), p.subarray(at)]);
  }
  const nl = Buffer.from(crlf ? '\r\n' : '\n');
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    out.push(p);
    if (i < parts.length - 1 || finalNewline) out.push(nl);
  });
  return Buffer.concat(out);
});

function reference(buf: Buffer): LogTally {
  const t = emptyTally();
  scanLinesReference(buf, t, { name: 'runtime-events.jsonl', offset: 0 });
  return plain(t);
}

function fast(buf: Buffer, cut?: number): LogTally {
  const t = emptyTally();
  const origin = { name: 'runtime-events.jsonl', offset: 0 };
  if (cut === undefined) {
    scanLines(buf, 0, buf.length, t, origin);
    return plain(t);
  }
  // Two pieces at a line boundary, as the reader hands them.
  const at = buf.lastIndexOf(10, Math.min(cut, buf.length - 1));
  const end = at === -1 ? 0 : at + 1;
  scanLines(buf, 0, end, t, origin);
  scanLines(buf, end, buf.length, t, { name: 'runtime-events.jsonl', offset: end });
  return plain(t);
}

/** Warm the templates (and shapes) with the base lines, as a long log would. */
function warm(): void {
  const buf = Buffer.from(BASES.concat(BASES).join('\n') + '\n');
  scanLines(buf, 0, buf.length, emptyTally());
}

describe('template fast path = reference', () => {
  it('learns the base lines: a warm scan of them counts them as the reference does', () => {
    forgetShapes();
    warm();
    const buf = Buffer.from(BASES.join('\n') + '\n');
    expect(fast(buf)).toEqual(reference(buf));
  });

  it('random and adversarial lines, warm and cold, in one buffer and in two pieces', () => {
    fc.assert(
      fc.property(log, fc.boolean(), fc.nat(), (buf, cold, cut) => {
        if (cold) forgetShapes();
        else warm();
        const want = reference(buf);
        expect(fast(buf)).toEqual(want);
        warm();
        expect(fast(buf, cut % (buf.length + 1))).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });

  it('every integer variant of a learned line counts as the reference counts it', () => {
    forgetShapes();
    warm();
    fc.assert(
      fc.property(variant, (l) => {
        const buf = Buffer.from(`${l}\n`);
        expect(fast(buf)).toEqual(reference(buf));
      }),
      { numRuns: 3000 },
    );
  });

  it('integers rewritten to the same line length (the template of that length is tried) count as the reference counts them', () => {
    forgetShapes();
    warm();
    let refused = 0;
    fc.assert(
      fc.property(sameLength, (l) => {
        const buf = Buffer.from(`${l}\n`);
        const want = reference(buf);
        if (want.invalid > 0) refused++;
        expect(fast(buf), l).toEqual(want);
      }),
      { numRuns: 3000 },
    );
    expect(refused).toBeGreaterThan(300); // the property saw lines a template must refuse
  });

  it('the adversarial lines, one by one after warm templates', () => {
    for (const l of ADVERSARIAL) {
      forgetShapes();
      warm();
      for (const text of [`${l}\n`, `${FULL}\n${l}\n${FULL}\n`, `${l}`]) {
        const buf = Buffer.from(text);
        expect(fast(buf), JSON.stringify(text)).toEqual(reference(buf));
      }
    }
  });

  it('more shapes than the memo holds: templates are replaced and counts stay exact', () => {
    forgetShapes();
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(`{"k${i % 200}":${i % 13},"reason_codes":["c${i % 7}"],"n":${i}}`);
    const buf = Buffer.from(lines.join('\n') + '\n');
    expect(fast(buf)).toEqual(reference(buf));
    expect(fast(buf)).toEqual(reference(buf));
  });
});

describe('readLogFd over 1 MiB reads and 64 KiB pieces = reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a few MiB of mixed lines, a suspect line and an invalid one near piece boundaries', () => {
    forgetShapes();
    const sample = fc.sample(line, { numRuns: 30_000, seed: 20 });
    const text = sample.join('\n') + '\n';
    const buf = Buffer.from(text, 'utf8');
    const path = join(dir, 'runtime-events.jsonl');
    writeFileSync(path, buf);
    const fd = openSync(path, 'r');
    const t = emptyTally();
    try {
      readLogFd(fd, 0, true, t);
    } finally {
      closeSync(fd);
    }
    expect(buf.length).toBeGreaterThan(2 * 64 * 1024);
    expect(plain(t)).toEqual(reference(buf));
  });
});
