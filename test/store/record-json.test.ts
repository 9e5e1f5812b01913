/**
 * A decision record's JSON bytes written against the previous gate result (store/record-json.ts)
 * are JSON.stringify's, for any record: the bytes are hashed into the journal's chain, so one
 * byte off breaks verification of every later record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainedBytes, chainedLine, GENESIS } from '../../src/store/journal.js';
import { recordJsonBytes } from '../../src/store/record-json.js';

/** The marker recordJsonBytes splits a text at (a value that may also be data). */
const HOLE = '\u0000rollgate-record-hole\u0000';
const RUNS = Number(process.env.FUZZ_RUNS) || 300;

/** recordJsonBytes' bytes, or null when it gives the record back to JSON.stringify. */
function written(record: object): string | null {
  const made = recordJsonBytes(record, 64);
  if (made === null) return null;
  expect(made.buf.length - made.length).toBeGreaterThanOrEqual(64);
  return made.buf.subarray(0, made.length).toString('utf8');
}

const expectSame = (record: object) => {
  const text = written(record);
  expect(text).not.toBeNull();
  expect(Buffer.from(text!, 'utf8').equals(Buffer.from(JSON.stringify(record), 'utf8'))).toBe(true);
};

const source = { file: 'specs/wide.yaml', line: 12, col: 15 };
const gate = (surface: unknown, over: Record<string, unknown> = {}) => ({
  name: 'healthy', phase: 'canary-1', surface, result: 'pass',
  message: 'surface.rollout_gate = pass, expected == pass',
  trace: ['{"==":[{"var":"surface.rollout_gate"},"pass"]} → true', '  surface.rollout_gate → pass'],
  source, ...over,
});
const record = (gates: unknown[]) => ({ schema_version: 1, rollout: 'wide', check: 1, decision: 'wait', gates, triggers: [], notes: [] });

describe('a record written against the previous gate result', () => {
  it('gives the bytes of JSON.stringify for a wide record (runs of results that differ in their surface)', () => {
    const trace = gate('x').trace;
    const gates = [];
    for (let g = 0; g < 5; g++) for (let s = 0; s < 40; s++) gates.push(gate(`s${s}`, { name: `gate-${g}`, trace: trace.slice(), message: s === 7 ? `queue_depth = ${s}, expected <= 1` : gate('x').message, result: s === 7 ? 'fail' : 'pass' }));
    expectSame(record(gates));
  });

  it('gives the bytes of JSON.stringify for gate results it does not write against the one before', () => {
    const odd: unknown[] = [
      gate(null), // a gate without `each`
      gate('s-é → 😀'), gate('a "quoted" \\ name'), gate('lone \ud800'), gate('tab\there'), gate(''),
      // The marker the writer splits a text at, as a value before and after the surface.
      gate('s1', { name: HOLE }), gate('s1', { message: HOLE }), gate('s1', { message: `x ${HOLE} y` }),
      Object.defineProperty(gate('s1'), 'toJSON', { value: () => 'hidden', enumerable: false }),
      gate('s1', { trace: ['{"==":[{"var":"surface.rollout_gate"},"pass"]} → true', '  surface.rollout_gate → fail'] }), // one trace line differs
      gate('s2', { trace: undefined }), gate('s3', { extra: true }),
      { surface: 's4', name: 'reordered', phase: 'canary-1', result: 'pass', message: '', trace: [], source },
      { name: 'short' }, undefined, null, 7, 'text', [gate('s5')],
      Object.assign(Object.create({ inherited: 1 }), gate('s6')),
      { ...gate('s7'), toJSON: () => ({ replaced: true }) },
      gate('s8', { source: { ...source, toJSON: () => 'the source' } }),
      gate('s9', { trace: ['a', 1, null, { nested: ['→'] }] }),
      gate('s10', { result: () => 'a function is skipped' }),
      gate(7), gate({ object: 'surface' }),
    ];
    for (const item of odd) expectSame(record([gate('s0'), item, gate('s11'), gate('s12')]));
    expectSame(record([1, , 3])); // eslint-disable-line no-sparse-arrays
    expectSame(record([]));
  });

  it('gives the bytes of JSON.stringify for records around the gates, or hands them back', () => {
    expectSame({ gates: [gate('s0')] });
    expectSame({ a: 'é → ☃', gates: [gate('s0')], z: [1.5, -0, NaN, Infinity, 1e21], u: undefined });
    // Not a record this writer reads: JSON.stringify is used instead.
    expect(written({ note: HOLE, gates: [gate('s0'), gate('s1')] })).toBeNull(); // the marker it would split at
    expect(written({ gates: 'not a list' })).toBeNull();
    expect(written({ reasons: [] })).toBeNull();
    expect(written({ gates: [], toJSON: () => ({}) })).toBeNull();
    expect(written(Object.assign(Object.create({ kind: 'class' }), { gates: [] }))).toBeNull();
    expect(written({ gates: Object.assign([gate('s0')], { toJSON: () => [] }) })).toBeNull();
  });

  it('gives the bytes of JSON.stringify for generated gate lists, equal fields shared or not', () => {
    const strings = fc.oneof(fc.constantFrom('pass', 'fail', 'canary-1', 'surface.x → 1', 'a "q"', '', '\ud800', 'é'), fc.string(), fc.string({ unit: 'grapheme' }));
    const pool = fc.array(strings, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(pool, fc.array(fc.record({ name: fc.nat(5), surface: fc.oneof(strings, fc.constant(null)), result: fc.nat(5), message: fc.nat(5), trace: fc.array(fc.nat(5), { maxLength: 3 }), source: fc.nat(2), share: fc.boolean() }), { maxLength: 40 }), (words, picks) => {
        const at = (i: number) => words[i % words.length]!;
        const sources = [source, { file: at(0), line: 1, col: 2 }, { ...source }];
        const traces = new Map<string, string[]>();
        const gates = picks.map((p) => {
          const key = p.trace.join(',');
          const trace = p.share && traces.has(key) ? traces.get(key)! : p.trace.map(at);
          traces.set(key, trace);
          return { name: at(p.name), phase: 'canary-1', surface: p.surface, result: at(p.result), message: at(p.message), trace: p.share ? trace : trace.slice(), source: sources[p.source]! };
        });
        const r = record(gates);
        expect(Buffer.from(written(r)!, 'utf8').equals(Buffer.from(JSON.stringify(r), 'utf8'))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('is what the journal chains: chainedBytes gives chainedLine and its newline, for a wide record and for one handed back', () => {
    const gates = [];
    for (let s = 0; s < 300; s++) gates.push(gate(`s${s}`, { message: s % 100 === 0 ? 'different' : gate('x').message }));
    for (const r of [record(gates), { ...record(gates), note: HOLE }, { gates: 'not a list' }]) {
      const { line, hash } = chainedLine(GENESIS, r);
      const out = chainedBytes(GENESIS, r);
      expect(out.bytes.equals(Buffer.from(line + '\n'))).toBe(true);
      expect(out.hash).toBe(hash);
    }
  });
});
