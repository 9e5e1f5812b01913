/** The fast counter and the reference parser must count exactly the same, on any input. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCycleLine } from '../../src/observe/cycle-line.js';
import { scanLines, scanLinesReference, takesFastPath } from '../../src/observe/line-scanner.js';
import { emptyTally, type LogTally } from '../../src/observe/log-tally.js';
import { fixture } from '../helpers/paths.js';

const plain = (t: LogTally) => ({ ...t, codes: { ...t.codes } });

function bothWays(text: string) {
  const buf = Buffer.from(text, 'utf8');
  const fast = emptyTally();
  scanLines(buf, 0, buf.length, fast);
  const reference = emptyTally();
  scanLinesReference(buf.toString('utf8'), reference);
  return { fast: plain(fast), reference: plain(reference) };
}

const expectSame = (text: string) => {
  const { fast, reference } = bothWays(text);
  expect(fast).toEqual(reference);
};

describe('the reference reading of a line', () => {
  it.each([
    ['{"reason_codes":["a"],"health_reason":"r"}', { kind: 'valid', codes: ['a'], reason: 'r' }],
    ['{}', { kind: 'valid', codes: [], reason: '' }],
    ['  {"reason_codes":[]}  \r', { kind: 'valid', codes: [], reason: '' }],
    ['', { kind: 'blank' }],
    ['   \t', { kind: 'blank' }],
    ['invalid-json-line', { kind: 'invalid' }],
    ['42', { kind: 'invalid' }],
    ['["a"]', { kind: 'invalid' }],
    ['null', { kind: 'invalid' }],
    ['{"reason_codes":"a"}', { kind: 'invalid' }],
    ['{"reason_codes":null}', { kind: 'invalid' }],
    ['{"reason_codes":[1]}', { kind: 'invalid' }],
    ['{"health_reason":3}', { kind: 'invalid' }],
    ['{"reason_codes":["a"]', { kind: 'invalid' }],
  ])('%j', (line, expected) => {
    expect(parseCycleLine(line)).toEqual(expected);
  });
});

describe('the fast path', () => {
  it('decides every line the producer writes, full and minimal, without the reference parser', () => {
    for (const dir of ['runtime-dashboard-healthy', 'runtime-custom-command-healthy', 'runtime-dashboard-backpressure', 'demo-memory', 'gateway-dashboard-nominal']) {
      for (const line of readFileSync(fixture(`tau-samples/${dir}/runtime-events.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '')) {
        expect(takesFastPath(line), line).toBe(true);
      }
    }
  });

  it.each([
    ['an escaped quote', '{"health_reason":"say \\"hi\\"","reason_codes":["a"]}'],
    ['a nested object', '{"x":{"reason_codes":["fake"]},"reason_codes":["a"]}'],
    ['a duplicate key', '{"reason_codes":["a"],"reason_codes":["b"]}'],
    ['unicode inside the codes', '{"reason_codes":["caf\u00e9"]}'],
    ['garbage', 'invalid-json-line'],
  ])('hands %s to the reference', (_what, line) => {
    expect(takesFastPath(line)).toBe(false);
    expectSame(line + '\n');
  });

  it.each([
    ['codes inside another string', '{"health_reason":"no \\"reason_codes\\":[\\"x\\"] here","reason_codes":["a"]}\n'],
    ['a code text as a value', '{"note":"reason_codes","reason_codes":["a"]}\n{"x":["reason_codes"],"reason_codes":["b"]}\n'],
    ['a bracket inside a code', '{"reason_codes":["a]b","c"]}\n'],
    ['codes with spaces to trim', '{"reason_codes":["  a ","a"]}\n'],
    ['odd spacing', ' { "reason_codes" :\t[ "a" ,"b" ] , "health_reason" : "r" } \r\n'],
    ['a wrong type on the fast path', '{"reason_codes":"a"}\n{"health_reason":7}\n{"health_reason":null}\n'],
    ['blank and invalid lines between valid ones', '{"reason_codes":["a"]}\n\n  \ngarbage\n{"reason_codes":["b"]}\n'],
    ['a final line without newline', '{"reason_codes":["a"]}\n{"reason_codes":["b"]}'],
    ['numbers of every form', '{"a":-0.5e+10,"b":0,"c":12,"d":1E3,"reason_codes":[]}\n{"a":01}\n'],
    ['control characters in strings', '{"health_reason":"a\tb","reason_codes":["a"]}\n'],
    ['invalid UTF-8 bytes', '{"health_reason":"\udc80","reason_codes":["a"]}\n'],
  ])('agrees with the reference on %s', (_what, text) => {
    expectSame(text);
  });
});

const code = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('healthy_cycle', 'case_processing_failed', 'retry_attempted', ' padded ', 'reason_codes', 'a]b', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const producerLine = fc.record(
  {
    timestamp_unix_ms: fc.nat(),
    health_state: fc.constantFrom('healthy', 'degraded', 'failing'),
    health_reason: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('no recent transport failures observed', 'reason_codes: [x]', '') },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constant('has "reason_codes":["x"] inside') },
    ),
    reason_codes: fc.array(code, { maxLength: 5 }),
    failed_cases: fc.nat(5),
    extra: fc.oneof({ weight: 3, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
  },
  { requiredKeys: [] },
).map((o) => JSON.stringify(o));
const spacing = fc.constantFrom('', ' ', '  ', '\t', '\r', ' \t ');
const spacedLine = fc.tuple(producerLine, spacing, spacing, fc.boolean()).map(([line, a, b, spaceInside]) =>
  a + (spaceInside ? line.replace(/":/g, `" :${b}`).replace(/,"/g, `${b}, "`) : line) + b);
const anyLine = fc.oneof(
  { weight: 6, arbitrary: spacedLine },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.tuple(producerLine, fc.nat()).map(([l, n]) => l.slice(0, n % (l.length + 1))) },
  { weight: 1, arbitrary: producerLine.map((l) => l.replace('"reason_codes"', '"reason_codes":["dup"],"reason_codes"')) },
);

describe('property: fast and reference counts are equal on generated logs', () => {
  it('lines the producer could write, odd spacing, escapes, unicode, truncations and garbage', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.boolean(), (lines, trailingNewline) => {
        expectSame(lines.join('\n') + (trailingNewline ? '\n' : ''));
      }),
      { numRuns: 1500 },
    );
  });

  it('generated producer lines mostly take the fast path (so the property tests it)', () => {
    const sample = fc.sample(producerLine, 300);
    const fast = sample.filter(takesFastPath).length;
    expect(fast / sample.length).toBeGreaterThan(0.3);
  });
});
