/**
 * parse-yaml.ts, the one YAML reader (the `yaml` library): the values it reads and the
 * `file:line:col` positions its source map gives for keys and values, in every style a spec may
 * be written in, and the diagnostics (with positions) for what it refuses.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml } from '../../src/spec/parse-yaml.js';
import type { SourceMap } from '../../src/spec/source-map.js';
import { ROOT } from '../helpers/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS) || (process.env.CI ? 150 : 250);

function read(text: string): { value: unknown; sourceMap: SourceMap } {
  const r = parseYaml(text, 'f.yaml');
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function diagnostics(text: string) {
  const r = parseYaml(text, 'f.yaml');
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
  return r.diagnostics;
}

/** Position -> offset in `text`, to check what the source map points at. */
function offsetOf(text: string, { line, col }: { line: number; col: number }): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  return offset + col - 1;
}

/** Every path to a node of a plain value: the root, each key and each item, depth first. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/**
 * Every key position points at that key's text (bare or quoted), and every scalar value's at its
 * text (bare, quoted, or a block scalar's indicator); collections point at their first character.
 */
function positionsPointAtTheSource(text: string): void {
  const { value, sourceMap } = read(text);
  for (const path of paths(value).slice(1)) {
    const last = String(path[path.length - 1]);
    const parent = paths(value).find((p) => p.length === path.length - 1 && p.every((s, i) => s === path[i]))!;
    const container = parent.reduce<any>((v, s) => v[s], value);
    const here = path.reduce<any>((v, s) => v[s], value);
    if (!Array.isArray(container)) {
      const key = text.slice(offsetOf(text, sourceMap.locate(path, 'key')));
      expect(key.startsWith(last) || /^["']/.test(key), `key of ${JSON.stringify(path)}`).toBe(true);
    }
    const at = text.slice(offsetOf(text, sourceMap.locate(path)));
    if (here !== null && typeof here === 'object') {
      // A flow collection at its bracket; a block one at its first key or dash.
      expect(at.length, `value of ${JSON.stringify(path)}`).toBeGreaterThan(0);
      expect(/^\s/.test(at), `value of ${JSON.stringify(path)} starts at a blank`).toBe(false);
    } else if (typeof here === 'string' && here !== '') {
      const first = here.split('\n')[0]!;
      expect(at.startsWith(first.slice(0, 8)) || /^["'|>]/.test(at), `value of ${JSON.stringify(path)}: ${JSON.stringify(at.slice(0, 20))}`).toBe(true);
    }
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe('values and positions', () => {
  it('plain block mappings and sequences', () => {
    const text = 'apiVersion: rollgate/v1\nmetadata:\n  name: web\n  labels:\n    team: core\nphases:\n  - name: canary\n    traffic: 5\n  - name: ga\n    traffic: 100\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({ apiVersion: 'rollgate/v1', metadata: { name: 'web', labels: { team: 'core' } }, phases: [{ name: 'canary', traffic: 5 }, { name: 'ga', traffic: 100 }] });
    expect(sourceMap.locate([])).toEqual({ line: 1, col: 1 });
    expect(sourceMap.locate(['apiVersion'])).toEqual({ line: 1, col: 13 });
    expect(sourceMap.locate(['apiVersion'], 'key')).toEqual({ line: 1, col: 1 });
    expect(sourceMap.locate(['metadata'])).toEqual({ line: 3, col: 3 });
    expect(sourceMap.locate(['metadata', 'name'])).toEqual({ line: 3, col: 9 });
    expect(sourceMap.locate(['metadata', 'labels', 'team'], 'key')).toEqual({ line: 5, col: 5 });
    expect(sourceMap.locate(['metadata', 'labels', 'team'])).toEqual({ line: 5, col: 11 });
    expect(sourceMap.locate(['phases'])).toEqual({ line: 7, col: 3 });
    expect(sourceMap.locate(['phases', 0])).toEqual({ line: 7, col: 5 });
    expect(sourceMap.locate(['phases', 1, 'traffic'])).toEqual({ line: 10, col: 14 });
    expect(sourceMap.locate(['phases', 1, 'traffic'], 'key')).toEqual({ line: 10, col: 5 });
  });

  it('paths that run past the document stop at the deepest node there is', () => {
    const text = 'metadata:\n  name: web\nphases:\n  - name: canary\n';
    const { sourceMap } = read(text);
    expect(sourceMap.locate(['nope'])).toEqual({ line: 1, col: 1 });
    expect(sourceMap.locate(['phases', 99, 'gates'])).toEqual({ line: 4, col: 3 });
    expect(sourceMap.locate(['metadata', 'name', 'deeper'])).toEqual({ line: 2, col: 9 });
    expect(sourceMap.locate(['metadata', 'missing'], 'key')).toEqual({ line: 2, col: 3 });
  });

  it('flow collections, quoted keys and values', () => {
    const text = 'metadata: { name: web, "owner": \'ops\' }\nlist: [a, "b c", [1, 2], { k: v }]\nrule: { "==": [ { var: x }, 0 ] }\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({ metadata: { name: 'web', owner: 'ops' }, list: ['a', 'b c', [1, 2], { k: 'v' }], rule: { '==': [{ var: 'x' }, 0] } });
    expect(sourceMap.locate(['metadata'])).toEqual({ line: 1, col: 11 });
    expect(sourceMap.locate(['metadata', 'name'])).toEqual({ line: 1, col: 19 });
    // A quoted scalar is placed at its opening quote.
    expect(sourceMap.locate(['metadata', 'owner'], 'key')).toEqual({ line: 1, col: 24 });
    expect(sourceMap.locate(['metadata', 'owner'])).toEqual({ line: 1, col: 33 });
    expect(sourceMap.locate(['list', 1])).toEqual({ line: 2, col: 11 });
    expect(sourceMap.locate(['list', 2, 1])).toEqual({ line: 2, col: 22 });
    expect(sourceMap.locate(['list', 3, 'k'])).toEqual({ line: 2, col: 31 });
    expect(sourceMap.locate(['rule', '=='], 'key')).toEqual({ line: 3, col: 9 });
    expect(sourceMap.locate(['rule', '==', 0, 'var'])).toEqual({ line: 3, col: 24 });
    expect(sourceMap.locate(['rule', '==', 1])).toEqual({ line: 3, col: 29 });
  });

  it('flow collections over several lines', () => {
    const text = 'list: [a,\n  b,\n  { k: v }]\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({ list: ['a', 'b', { k: 'v' }] });
    expect(sourceMap.locate(['list', 1])).toEqual({ line: 2, col: 3 });
    expect(sourceMap.locate(['list', 2, 'k'])).toEqual({ line: 3, col: 8 });
  });

  it('anchors, aliases and merge keys: an alias is followed to its anchor', () => {
    const text = 'base: &base\n  stateDir: .tau/web\n  staleAfter: 15m\nweb: *base\napi:\n  <<: *base\n  stateDir: .tau/api\nn: &n 5\nm: *n\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({
      base: { stateDir: '.tau/web', staleAfter: '15m' },
      web: { stateDir: '.tau/web', staleAfter: '15m' },
      api: { staleAfter: '15m', stateDir: '.tau/api' },
      n: 5,
      m: 5,
    });
    expect(sourceMap.locate(['web'])).toEqual({ line: 4, col: 6 });
    expect(sourceMap.locate(['web', 'staleAfter'])).toEqual({ line: 3, col: 15 });
    expect(sourceMap.locate(['web', 'staleAfter'], 'key')).toEqual({ line: 3, col: 3 });
    expect(sourceMap.locate(['api', 'stateDir'])).toEqual({ line: 7, col: 13 });
    expect(sourceMap.locate(['m'])).toEqual({ line: 9, col: 4 });
  });

  it('multi-line strings: block scalars, folded plain and quoted scalars', () => {
    const text = 'a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: plain\n  continued\nd: "quoted\n  continued"\ne: \'single\n\n  para\'\nf: after\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({ a: 'line one\nline two\n', b: 'folded text', c: 'plain continued', d: 'quoted continued', e: 'single\npara', f: 'after' });
    expect(sourceMap.locate(['a'])).toEqual({ line: 1, col: 4 });
    expect(sourceMap.locate(['b'])).toEqual({ line: 4, col: 4 });
    expect(sourceMap.locate(['c'])).toEqual({ line: 7, col: 4 });
    expect(sourceMap.locate(['d'])).toEqual({ line: 9, col: 4 });
    expect(sourceMap.locate(['e'])).toEqual({ line: 11, col: 4 });
    expect(sourceMap.locate(['f'])).toEqual({ line: 14, col: 4 });
    expect(sourceMap.locate(['f'], 'key')).toEqual({ line: 14, col: 1 });
  });

  it('tags', () => {
    const text = 'a: !!str 5\nb: !!int "7"\nc: !!float 1.5\nd: [!!str true]\n';
    const { value, sourceMap } = read(text);
    expect(value).toEqual({ a: '5', b: 7, c: 1.5, d: ['true'] });
    // A tagged node is placed at its value, after the tag.
    expect(sourceMap.locate(['a'])).toEqual({ line: 1, col: 10 });
    expect(sourceMap.locate(['b'])).toEqual({ line: 2, col: 10 });
    expect(sourceMap.locate(['d', 0])).toEqual({ line: 4, col: 11 });
  });

  it('CRLF line ends and a BOM keep the same lines and columns', () => {
    const { value, sourceMap } = read('a: 1\r\nb:\r\n  c: x\r\n');
    expect(value).toEqual({ a: 1, b: { c: 'x' } });
    expect(sourceMap.locate(['b', 'c'])).toEqual({ line: 3, col: 6 });
    expect(read('\uFEFFa: 1\n').value).toEqual({ a: 1 });
  });

  it('non-string keys, empty values and a list at the root', () => {
    expect(read('1: a\ntrue: b\n').value).toEqual({ 1: 'a', true: 'b' });
    const { value, sourceMap } = read('a:\nb: 1\n');
    expect(value).toEqual({ a: null, b: 1 });
    // An empty value sits right after its key's colon.
    expect(sourceMap.locate(['a'])).toEqual({ line: 1, col: 3 });
    expect(read('- a\n- b\n').value).toEqual(['a', 'b']);
  });

  it('resolves plain scalars by the YAML 1.2 core schema', () => {
    const { value } = read([
      'n1: ~', 'n2: null', 'n3: NULL', 'b1: true', 'b2: False', 'b3: yes', 'i1: 0o17', 'i2: -42', 'i3: 0x1F', 'i4: 1_000',
      'f1: .inf', 'f2: -.Inf', 'f4: 1e3', 'f5: -1.5', 'f6: .5', 'f7: 1.', 's1: 2026-02-16', 's2: 08', 's3: 0b101', 's4: +.5e-3x',
    ].join('\n') + '\n');
    expect(value).toEqual({
      n1: null, n2: null, n3: null, b1: true, b2: false, b3: 'yes', i1: 15, i2: -42, i3: 31, i4: '1_000',
      f1: Infinity, f2: -Infinity, f4: 1000, f5: -1.5, f6: 0.5, f7: 1, s1: '2026-02-16', s2: 8, s3: '0b101', s4: '+.5e-3x',
    });
    expect(Number.isNaN((read('x: .NaN\n').value as { x: number }).x)).toBe(true);
  });

  it('a __proto__ key is an own key, not the prototype', () => {
    const { value } = read('__proto__: { polluted: true }\n');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('what it refuses, with file:line:col', () => {
  it.each([
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', [{ code: 'duplicate-key', line: 3, col: 1, message: 'duplicate key `a`: YAML keeps only one of the two values, so remove or rename one of them' }]],
    ['duplicate keys, each reported', 'a:\n  x: 1\n  x: 2\n"b": 1\n"b": 2\n', [
      { code: 'duplicate-key', line: 3, col: 3, message: expect.stringMatching(/^duplicate key `x`/) },
      { code: 'duplicate-key', line: 5, col: 1, message: expect.stringMatching(/^duplicate key `"b"`/) },
    ]],
    ['a duplicate key in a flow mapping', 'a: { x: 1, x: 2 }\n', [{ code: 'duplicate-key', line: 1, col: 12 }]],
    ['an unclosed flow sequence', 'a: [1, 2\nb: 3\n', [{ code: 'yaml-syntax', line: 2, message: expect.stringMatching(/^YAML syntax error: /) }]],
    ['two documents', 'a: 1\n---\nb: 2\n', [{ code: 'multiple-documents', line: 2, col: 1 }]],
    ['an empty document', '# nothing\n', [{ code: 'empty-spec', line: 1, col: 1 }]],
    ['deep nesting', 'a: ' + '['.repeat(70) + ']'.repeat(70) + '\n', [{ code: 'too-deep', line: 1, col: 1 }]],
    // Not an alias problem (the library's error named none): the merge key and what it takes.
    ['a merge key with a number', 'a: 1\nb:\n  <<: 0\n', [{ code: 'yaml-merge', line: 3, col: 3, message: expect.stringMatching(/^`<<` is a YAML merge key: .*quote it/) }]],
    ['a merge key with a list of numbers', 'b:\n  c: 1\n  <<: [1, 2]\n', [{ code: 'yaml-merge', line: 3, col: 3 }]],
    ['a merge key with an alias of a number', 's: &s 3\nb:\n  <<: *s\n', [{ code: 'yaml-merge', line: 3, col: 3 }]],
  ])('%s', (_what, text, expected) => {
    const found = diagnostics(text);
    expect(found).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(found[i]).toMatchObject({ severity: 'error', file: 'f.yaml', path: '', ...e }));
  });

  it('a quoted `<<` is a key like any other, and a merge of mappings still merges', () => {
    expect(read('a:\n  "<<": 0\n').value).toEqual({ a: { '<<': 0 } });
    expect(read('x: &d { k: 1 }\na:\n  <<: [*d, { m: 2 }]\n').value).toEqual({ x: { k: 1 }, a: { k: 1, m: 2 } });
  });

  it('counts the errors after the first syntax error instead of listing them', () => {
    const [only, ...rest] = diagnostics('a: [1, 2\nb: {\nc: "x\n');
    expect(rest).toEqual([]);
    expect(only!.message).toMatch(/\(fixing it may clear the \d+ YAML errors? after it\)$/);
  });
});

/** Whether a key `<<` appears anywhere in the value. */
function hasMergeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMergeKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k === '<<' || hasMergeKey(v));
}

describe('on real and generated documents', () => {
  const files = ['specs', 'fixtures', 'test'].flatMap((d) => yamlFiles(join(ROOT, d)));

  it('every position in the repository\'s specs, timelines and test files points at its key or value', () => {
    let read = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const r = parseYaml(text, relative(ROOT, file));
      if (!r.ok || r.value === null || typeof r.value !== 'object') continue;
      positionsPointAtTheSource(text);
      read++;
    }
    expect(read).toBeGreaterThan(20);
  });

  it('reads back what the yaml library writes, with positions on the source', () => {
    // `<<` is a merge key to rollgate's reader (specs use it, test above), while the yaml library
    // writes a key named `<<` bare: that one key cannot round-trip, at any depth, by design.
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (value) => {
      if (Object.keys(value).length === 0 || hasMergeKey(value)) return;
      const json = JSON.stringify(value, null, 1);
      expect(read(stringify(value)).value).toEqual(value);
      expect(read(json).value).toEqual(JSON.parse(json));
      positionsPointAtTheSource(stringify(value));
      positionsPointAtTheSource(json);
    }), { numRuns: RUNS });
  });
});

describe('values own their strings (none is a view of the whole spec text)', () => {
  it('long strings come out equal, `__proto__` stays a key, nothing else changes', () => {
    const long = 'surface.events.phase.case_processing_failed';
    const { value } = read(`a: ${long}\nlist: [general-availability, short, "\\ud83d\\ude00 and more text"]\nnested: { __proto__: ${long}, n: 5 }\n`);
    expect(value).toEqual({ a: long, list: ['general-availability', 'short', '\u{1F600} and more text'], nested: { ['__proto__']: long, n: 5 } });
    const nested = (value as { nested: object }).nested;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(nested, '__proto__')).toBe(true);
  });

  it('a lone surrogate escape survives the copy', () => {
    const { value } = read('a: "\\ud800 and some more characters"\n');
    expect((value as { a: string }).a).toBe('\ud800 and some more characters');
  });
});
