/**
 * state.json read as strictly as the producer's serde reads it: a repeated key, a wrongly
 * typed field or an unknown schema_version makes it unavailable (the surface holds), with a
 * sentence naming the field and the value seen; what the producer accepts still reads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accepts, fractionalNumbers, mismatch, PRODUCER_STATE, type FieldType } from '../../src/tau/producer-state-schema.js';
import { parseState, readStateFile } from '../../src/observe/state-file.js';
import { filesNamed } from '../helpers/files-named.js';
import { fixture } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const health = '"health":{"updated_unix_ms":1000,"queue_depth":0,"failure_streak":0,"last_cycle_failed":0}';
const reasonOf = (text: string): string => {
  const r = parseState(text);
  return r.present ? 'PRESENT' : r.reason;
};

describe('state.json: a repeated key', () => {
  it.each([
    [`{"schema_version":1,"commands":[],"health":{"queue_depth":5,"queue_depth":0}}`, 'queue_depth'],
    [`{"schema_version":1,"commands":[],${health},"health":{}}`, 'health'],
    [`{"schema_version":1,"commands":[{"last_status_code":500,"last_status_code":200}],${health}}`, 'last_status_code'],
    [`{"schema_version":1,"schema_version":1,"commands":[],${health}}`, 'schema_version'],
  ])('%s is unavailable, naming the key', (text, key) => {
    expect(reasonOf(text)).toMatch(new RegExp(`^state\\.json has a duplicate key "${key}" at line 1 column \\d+; the producer \\(serde\\) refuses`));
  });

  it('the same key in two different records is fine', () => {
    expect(reasonOf(`{"schema_version":1,"commands":[{"case_id":"a"},{"case_id":"b"}],${health}}`)).toBe('PRESENT');
  });
});

describe('state.json: field types as the producer declares them', () => {
  it.each([
    ['"widget_views":null', 'widget_views = null', 'Vec<DashboardWidgetView> (an array)'],
    ['"control_audit":{}', 'control_audit = {}', 'Vec<DashboardControlAuditRecord> (an array)'],
    ['"widget_views":[5]', 'widget_views[0] = 5', 'DashboardWidgetView (an object)'],
    ['"widget_views":[{"widget_id":"a","refresh_interval_ms":"3000"}]', 'widget_views[0].refresh_interval_ms = "3000"', 'u64 (a non-negative integer)'],
    ['"processed_case_keys":[1,2]', 'processed_case_keys[0] = 1', 'String (a JSON string)'],
    ['"processed_case_keys":"a"', 'processed_case_keys = "a"', 'Vec<String> (an array)'],
    ['"commands":[{"last_status_code":70000}]', 'commands[0].last_status_code = 70000', 'u16 (an integer 0..65535)'],
    ['"commands":[{"case_id":"x"},{"last_status_code":-1}]', 'commands[1].last_status_code = -1', 'u16 (an integer 0..65535)'],
    ['"commands":[{"run_count":1.5}]', 'commands[0].run_count = 1.5', 'u64 (a non-negative integer)'],
    ['"commands":[{"run_count":2.0}]', 'commands[0].run_count = 2.0 (written with a fraction or an exponent)', 'u64 (a non-negative integer)'],
    ['"commands":[{"last_exit_code":"1"}]', 'commands[0].last_exit_code = "1"', 'Option<i32> (null or an integer -2147483648..2147483647)'],
    ['"commands":[{"last_exit_code":2147483648}]', 'commands[0].last_exit_code = 2147483648', 'Option<i32>'],
    ['"commands":[{"last_timed_out":"false"}]', 'commands[0].last_timed_out = "false"', 'bool (true or false)'],
    ['"commands":[{"template":null}]', 'commands[0].template = null', 'String (a JSON string)'],
    ['"commands":[{"execution_policy":null}]', 'commands[0].execution_policy = null', 'CustomCommandExecutionPolicy (an object)'],
    ['"commands":[{"execution_policy":{"denied_env":[true]}}]', 'commands[0].execution_policy.denied_env[0] = true', 'String'],
    ['"interactions":[{"run_count":-3}]', 'interactions[0].run_count = -3', 'u64'],
    ['"rollouts":[{"replicas":65536}]', 'rollouts[0].replicas = 65536', 'u16 (an integer 0..65535)'],
    ['"entries":[{"tags":"release"}]', 'entries[0].tags = "release"', 'Vec<String> (an array)'],
    ['"results":[{"status_code":"200"}]', 'results[0].status_code = "200"', 'u16'],
  ])('%s is unavailable: %s', (field, seen, type) => {
    const reason = reasonOf(`{"schema_version":1,${field},${health}}`);
    expect(reason).toContain(`state.json: ${seen}; the producer's type is ${type}`);
  });

  it.each([
    ['"queue_depth":null', 'health.queue_depth = null'],
    ['"failure_streak":1e0', 'health.failure_streak = 1e0 (written with a fraction or an exponent)'],
    ['"last_cycle_failed":0.0', 'health.last_cycle_failed = 0.0 (written with a fraction or an exponent)'],
    ['"updated_unix_ms":1152921504606846976', 'health.updated_unix_ms = 1152921504606847000 (past 9007199254740991, the largest integer rollgate reads exactly)'],
  ])('health %s is unavailable: %s', (field, seen) => {
    expect(reasonOf(`{"schema_version":1,"commands":[],"health":{${field}}}`)).toMatch(new RegExp(`^state\\.json: ${seen.replace(/[.()[\]]/g, '\\$&')}; the producer's type is (u64|usize)`));
  });

  it('what the producer accepts reads as present: partial records, nulls for Options, any response_body, extra keys', () => {
    for (const text of [
      `{"schema_version":1,"widget_views":[{"widget_id":"health-summary"}],"control_audit":[{"case_id":"c1"}],${health}}`,
      `{"schema_version":1,"commands":[{"last_exit_code":null,"last_status_code":65535,"execution_policy":{},"new_field":[1.5]}],${health}}`,
      `{"schema_version":1,"results":[{"response_body":{"any":[1.5,null]}}],${health},"extra":{"ratio":0.5}}`,
      `{"schema_version":1,"commands":[],"health":{"queue_depth":0,"future_ratio":0.25}}`,
      `{"schema_version":1,"commands":[{"template":"deploy 1.2e3 -- \\"quoted\\" 4.0"}],${health}}`,
    ]) expect(reasonOf(text), text).toBe('PRESENT');
  });

  it('every state.json under fixtures/ (the tau samples, the surface fixtures) reads as present', () => {
    const files = filesNamed(fixture(''), 'state.json');
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) expect(reasonOf(readFileSync(file, 'utf8')), file).toBe('PRESENT');
  });
});

describe('state.json: schema_version', () => {
  it.each([
    ['2', 'state.json has schema_version 2; rollgate knows only schema_version 1'],
    ['0', 'state.json has schema_version 0; rollgate knows only schema_version 1'],
    ['"1"', 'state.json: schema_version = "1"; the producer\'s type is u32 (an integer 0..4294967295)'],
    ['null', 'state.json: schema_version = null; the producer\'s type is u32'],
    ['4294967296', 'state.json: schema_version = 4294967296; the producer\'s type is u32'],
  ])('schema_version %s is unavailable', (version, reason) => {
    expect(reasonOf(`{"schema_version":${version},"commands":[],${health}}`)).toContain(reason);
  });

  it('a missing schema_version is 1, as the producer defaults it', () => {
    expect(reasonOf(`{"commands":[],${health}}`)).toBe('PRESENT');
  });
});

describe('state.json: bytes', () => {
  it('a byte-order mark or invalid UTF-8 is unavailable', () => {
    const dir = tempDir('strict-bytes');
    const file = join(dir, 'state.json');
    writeFileSync(file, `\uFEFF{"commands":[],${health}}`);
    expect(readStateFile(file)).toEqual({ present: false, reason: 'state.json starts with a byte-order mark, which the producer (serde) refuses' });
    writeFileSync(file, Buffer.concat([Buffer.from('{"commands":[{"case_id":"'), Buffer.from([0xff, 0xfe]), Buffer.from(`"}],${health}}`)]));
    expect(readStateFile(file)).toEqual({ present: false, reason: 'state.json is not valid UTF-8, which the producer (serde) refuses' });
  });
});

describe('fractionalNumbers', () => {
  it('names each fractional number by the path the checker uses, skipping strings and keys', () => {
    const text = '{"a":1,"b\\"x":2.5,"c":[1,{"d":3e2},[0.1]],"s":"1.5","e":{"f":-1E-3}}';
    expect([...fractionalNumbers(text)]).toEqual([['b"x', '2.5'], ['c[1].d', '3e2'], ['c[2][0]', '0.1'], ['e.f', '-1E-3']]);
  });
});

describe('state.json: the fast type check', () => {
  // Values near every boundary of the producer's types, for any field of the schema.
  const awkward = fc.oneof(
    fc.constantFrom(0, -0, 1, -1, 65535, 65536, 4294967295, 4294967296, 2147483647, -2147483648, -2147483649, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1.5, NaN, Infinity, -Infinity),
    fc.constantFrom(null, true, false, '', 'x', '1'),
    fc.integer(), fc.double(),
  );
  /** A value that has the type `t`, except where `awkward` is drawn in its place. */
  const valueOf = (t: FieldType, depth = 0): fc.Arbitrary<unknown> => {
    const replaced = fc.oneof({ weight: 1, arbitrary: fc.oneof(awkward, fc.constant([]), fc.constant({})) }, { weight: 4, arbitrary: typed(t, depth) });
    return replaced;
  };
  const typed = (t: FieldType, depth: number): fc.Arbitrary<unknown> => {
    if (typeof t === 'string') {
      if (t === 'string') return fc.string({ maxLength: 3 });
      if (t === 'bool') return fc.boolean();
      if (t === 'any') return awkward;
      return fc.nat({ max: 70000 });
    }
    if (depth > 3) return fc.constant(null);
    if ('option' in t) return fc.oneof(fc.constant(null), valueOf(t.option, depth + 1));
    if ('vec' in t) return fc.array(valueOf(t.vec, depth + 1), { maxLength: 3 });
    const entries = Object.entries(t.fields);
    return fc.subarray(entries, { maxLength: Math.min(6, entries.length) }).chain((picked) =>
      picked.length === 0 ? fc.constant({}) : fc.tuple(...picked.map(([, ft]) => valueOf(ft, depth + 1))).map((vs) => Object.fromEntries(picked.map(([k], i) => [k, vs[i]]))));
  };

  it('accepts exactly what the detailed check accepts, on values at every type boundary', () => {
    let refused = 0;
    fc.assert(fc.property(typed(PRODUCER_STATE, 0), (state) => {
      const slow = mismatch(state, PRODUCER_STATE, '', new Map()) === null;
      expect(accepts(state, PRODUCER_STATE)).toBe(slow);
      if (!slow) refused++;
    }), { numRuns: 3000, seed: 17 });
    expect(refused).toBeGreaterThan(300); // the generator does reach refusals
  });
});
