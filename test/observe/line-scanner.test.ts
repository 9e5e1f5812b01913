/** The fast counter and the reference parser must count exactly the same, on any input. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCycleLine } from '../../src/observe/cycle-line.js';
import { forgetShapes, scanLines, scanLinesReference, takesFastPath } from '../../src/observe/line-scanner.js';
import { emptyTally, type LogTally } from '../../src/engine/log-tally.js';
import { fixture } from '../helpers/paths.js';

const plain = (t: LogTally) => ({ ...t, codes: { ...t.codes } });

function bothWays(text: string, cold = false) {
  const buf = Buffer.from(text, 'utf8');
  if (cold) forgetShapes();
  const fast = emptyTally();
  scanLines(buf, 0, buf.length, fast);
  const reference = emptyTally();
  scanLinesReference(buf, reference);
  return { fast: plain(fast), reference: plain(reference) };
}

const expectSame = (text: string, cold = false) => {
  const { fast, reference } = bothWays(text, cold);
  expect(fast).toEqual(reference);
};

/** What scanLines counts in `text` (as read from runtime-events.jsonl at byte `offset`). */
function scan(text: string | Buffer, offset = 0) {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const tally = emptyTally();
  scanLines(buf, 0, buf.length, tally, { name: 'runtime-events.jsonl', offset });
  return plain(tally);
}

describe('the reference reading of a line', () => {
  it.each([
    ['{"reason_codes":["a"],"health_reason":"r"}', { kind: 'valid', codes: ['a'], reason: 'r' }],
    ['{}', { kind: 'valid', codes: [], reason: '' }],
    ['  {"reason_codes":[]}  \r', { kind: 'valid', codes: [], reason: '' }],
    ['', { kind: 'blank' }],
    ['   \t', { kind: 'blank' }],
    ['invalid-json-line', { kind: 'invalid', suspect: null }],
    ['42', { kind: 'invalid', suspect: null }],
    ['["a"]', { kind: 'invalid', suspect: null }],
    ['null', { kind: 'invalid', suspect: null }],
    ['{"reason_codes":"a"}', { kind: 'invalid', suspect: 'an invalid line that mentions reason_codes' }],
    ['{"reason_codes":null}', { kind: 'invalid', suspect: 'an invalid line that mentions reason_codes' }],
    ['{"reason_codes":[1]}', { kind: 'invalid', suspect: 'an invalid line that mentions reason_codes' }],
    ['{"health_reason":3}', { kind: 'invalid', suspect: null }],
    ['{"reason_codes":["a"]', { kind: 'invalid', suspect: 'an invalid line that mentions reason_codes' }],
    ['{"health_reason":"a","health_reason":"b"}', { kind: 'invalid', suspect: null }],
    ['{"a":1,"b":2,"a":1}', { kind: 'invalid', suspect: null }],
    ['{"health_reason":"a","reason_codes":["x"],"health_reason":"b"}', { kind: 'invalid', suspect: 'an invalid line (duplicate key "health_reason" at line 1 column 43) that mentions reason_codes' }],
    ['{"reason_codes":["a"],"reason_codes":[]}', { kind: 'invalid', suspect: 'an invalid line (duplicate key "reason_codes" at line 1 column 23) that mentions reason_codes' }],
    ['{"x":{"k":1,"k":2},"reason_codes":["a"]}', { kind: 'invalid', suspect: 'an invalid line (duplicate key "k" at line 1 column 13) that mentions reason_codes' }],
    ['{"x":[{"k":1},{"k":2}]}', { kind: 'valid', codes: [], reason: '' }],
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
    ['a duplicate health_reason', '{"health_reason":"a","reason_codes":["a"],"health_reason":"b"}'],
    ['a duplicate plain key', '{"failed_cases":1,"reason_codes":["case_processing_failed"],"failed_cases":0}'],
    ['a duplicate key without codes', '{"queue_depth":5,"queue_depth":0}'],
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

describe('invalid lines that may carry reason codes (suspect)', () => {
  it.each([
    ['codes as a string', '{"reason_codes":"case_processing_failed"}', 'mentions reason_codes'],
    ['codes with a number', '{"reason_codes":["case_processing_failed",1]}', 'mentions reason_codes'],
    ['a hard line followed by a NUL byte', '{"reason_codes":["case_processing_failed"]}\u0000', 'mentions reason_codes'],
    ['a cut line', '{"health_reason":"x","reason_codes":["case_proc', 'mentions reason_codes'],
    ['codes as a value of a broken line', '{"x":"reason_codes"', 'mentions reason_codes'],
    ['the key spelled with \\u escapes', '{"reason\\u005fcodes":"case_processing_failed"}', 'spells reason_codes with \\u escapes'],
    ['the key fully escaped', '{"\\u0072\\u0065\\u0061\\u0073\\u006f\\u006e_codes":1}', 'spells reason_codes with \\u escapes'],
    ['a NUL inside the key', '{"reason\u0000_codes":["case_processing_failed"]}', 'mentions reason_codes once its control, NUL or non-ASCII characters are removed'],
    ['a control character inside the key', '{"reason_\u0007codes":["case_processing_failed"]}', 'mentions reason_codes once its control, NUL or non-ASCII characters are removed'],
  ])('%s is counted invalid and suspect', (_what, line, why) => {
    expect(parseCycleLine(line)).toEqual({ kind: 'invalid', suspect: `an invalid line that ${why}` });
    const t = scan(`{"reason_codes":["healthy_cycle"]}\n${line}\n`, 1000);
    expect(t).toMatchObject({ cycles: 1, invalid: 1, suspect: 1, lost: 0, codes: { healthy_cycle: 1 } });
    expect(t.doubt).toBe(`runtime-events.jsonl byte ${1000 + 35}: an invalid line that ${why}: ${JSON.stringify(line.length > 60 ? line.slice(0, 60) : line)}${line.length > 60 ? '…' : ''}`);
  });

  it('invalid UTF-8 inside the key is suspect', () => {
    const line = Buffer.concat([Buffer.from('{"reason'), Buffer.from([0xff]), Buffer.from('_codes":["case_processing_failed"]}\n')]);
    // Valid JSON with a key "reason\ufffd_codes": reason_codes garbled, so suspect (it once read as a cycle with no codes).
    expect(scan(line)).toMatchObject({ invalid: 1, cycles: 0, suspect: 1 });
    const broken = Buffer.concat([Buffer.from('{"reason'), Buffer.from([0xff]), Buffer.from('_codes":"case_processing_failed"\n')]);
    expect(scan(broken)).toMatchObject({ invalid: 1, suspect: 1 });
  });

  it.each([
    ['the sample invalid line', 'invalid-json-line'],
    ['a wrongly typed health_reason', '{"health_reason":5}'],
    ['a duplicated health_reason alone', '{"health_reason":"a","health_reason":"b"}'],
    ['a cut line without the key', '{"timestamp_unix_ms":1,"health_reason":"caf\\u00e9'],
    ['a \\u escape that spells something else', '{"health_reason":"\\u0041"'],
    ['NUL bytes', '\u0000\u0000'],
    ['a scalar', '42'],
  ])('%s stays a plain invalid line', (_what, line) => {
    expect(parseCycleLine(line)).toEqual({ kind: 'invalid', suspect: null });
    expect(scan(line + '\n')).toMatchObject({ invalid: 1, suspect: 0, doubt: null });
  });

  it('producer text in the sentence is JSON-quoted and cut', () => {
    const line = '{"reason_codes":"\u001b[31m' + 'x'.repeat(1000) + '"';
    const t = scan(line + '\n');
    expect(t.doubt!.length).toBeLessThanOrEqual(300);
    expect(t.doubt).not.toContain('\u001b');
    expect(t.doubt).toContain('\\u001b');
  });
});

describe('duplicate keys are invalid on the fast path too', () => {
  const healthy = '{"timestamp_unix_ms":1,"health_reason":"ok","reason_codes":["healthy_cycle"],"failed_cases":0}';
  it.each([
    ['health_reason', '{"timestamp_unix_ms":1,"health_reason":"ok","reason_codes":["healthy_cycle"],"health_reason":"bad"}', 1],
    ['reason_codes', '{"timestamp_unix_ms":1,"health_reason":"ok","reason_codes":["healthy_cycle"],"reason_codes":[]}', 1],
    ['a counter', '{"timestamp_unix_ms":1,"health_reason":"ok","reason_codes":["healthy_cycle"],"failed_cases":0,"failed_cases":1}', 1],
    ['a counter, without codes', '{"timestamp_unix_ms":1,"failed_cases":0,"failed_cases":1}', 0],
  ])('a duplicated %s, after lines of the same keys (a warm shape memo)', (_what, dup, suspect) => {
    for (const cold of [true, false]) {
      if (cold) forgetShapes();
      const t = scan(`${healthy}\n${healthy}\n${dup}\n${healthy}\n`);
      expect(t).toMatchObject({ cycles: 3, invalid: 1, suspect, codes: { healthy_cycle: 3 } });
      expectSame(`${healthy}\n${dup}\n${healthy}\n`, cold);
    }
  });

  it('many shapes: past the memo, lines are still checked for duplicates', () => {
    forgetShapes();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(i % 7 === 0 ? `{"k${i % 40}":1,"k${i % 40}":2}` : `{"k${i % 40}":1,"x":2,"reason_codes":["c"]}`);
    const text = lines.join('\n') + '\n';
    const t = scan(text);
    expect(t.invalid).toBe(lines.filter((l) => l.includes(',"k')).length);
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
/** A producer line with one of its keys (or another) given twice, before or after the first. */
const duplicatedKey = fc
  .tuple(producerLine, fc.constantFrom('health_reason', 'reason_codes', 'failed_cases', 'timestamp_unix_ms', 'extra', 'other'), fc.constantFrom('"x"', '1', '["case_processing_failed"]', 'null'), fc.boolean())
  .map(([line, key, value, before]) => {
    const member = `"${key}":${value}`;
    const body = line.slice(1, -1);
    const twice = before ? `{${member}${body ? ',' : ''}${body},${member}}` : `{${body}${body ? ',' : ''}${member},${member}}`;
    return twice;
  });
/** Invalid lines that may carry codes, and ones that look close but cannot. */
const suspectLine = fc.oneof(
  fc.constant('{"reason_codes":"case_processing_failed"}'),
  fc.constant('{"reason_codes":["case_processing_failed",1]}'),
  fc.constant('{"reason_codes":["case_processing_failed"]}\u0000'),
  fc.constant('{"reason\\u005fcodes":7}'),
  fc.constant('{"reason\u0000_codes":["x"]}'),
  fc.constant('{"health_reason":5}'),
  fc.tuple(producerLine, fc.nat()).map(([l, n]) => l.slice(0, n % l.length) + '\u0000'),
);
const spacing = fc.constantFrom('', ' ', '  ', '\t', '\r', ' \t ');
const spacedLine = fc.tuple(producerLine, spacing, spacing, fc.boolean()).map(([line, a, b, spaceInside]) =>
  a + (spaceInside ? line.replace(/":/g, `" :${b}`).replace(/,"/g, `${b}, "`) : line) + b);
const anyLine = fc.oneof(
  { weight: 6, arbitrary: spacedLine },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.tuple(producerLine, fc.nat()).map(([l, n]) => l.slice(0, n % (l.length + 1))) },
  { weight: 1, arbitrary: producerLine.map((l) => l.replace('"reason_codes"', '"reason_codes":["dup"],"reason_codes"')) },
  { weight: 1, arbitrary: duplicatedKey },
  { weight: 1, arbitrary: suspectLine },
);

describe('property: fast and reference counts are equal on generated logs', () => {
  it('lines the producer could write, odd spacing, escapes, unicode, truncations and garbage', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.boolean(), fc.boolean(), (lines, trailingNewline, cold) => {
        expectSame(lines.join('\n') + (trailingNewline ? '\n' : ''), cold);
      }),
      { numRuns: 1500 },
    );
  });

  it('generated duplicate keys never take the fast path, and suspect lines are generated', () => {
    for (const line of fc.sample(duplicatedKey, 300)) expect(takesFastPath(line), line).toBe(false);
    const kinds = fc.sample(suspectLine, 200).map((l) => parseCycleLine(l));
    expect(kinds.some((k) => k.kind === 'invalid' && k.suspect !== null)).toBe(true);
    expect(kinds.some((k) => k.kind === 'invalid' && k.suspect === null)).toBe(true);
  });

  it('generated producer lines mostly take the fast path (so the property tests it)', () => {
    const sample = fc.sample(producerLine, 300);
    const fast = sample.filter(takesFastPath).length;
    expect(fast / sample.length).toBeGreaterThan(0.3);
  });
});
