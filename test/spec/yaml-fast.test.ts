/**
 * The fast YAML path (js-yaml events) must never disagree with the full one (the `yaml`
 * library): whenever it answers, the value and every position it reports are the full parser's.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml, parseYamlFully } from '../../src/spec/parse-yaml.js';
import { parseYamlFast } from '../../src/spec/yaml-fast.js';
import { ROOT } from '../helpers/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS) || (process.env.CI ? 300 : 500);

/** Every path to a node of a plain value: the root, each key and each item, depth first. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** Checks agreement; returns whether the fast path answered. */
function agree(text: string): boolean {
  const fast = parseYamlFast(text);
  if (!fast) return false;
  const full = parseYamlFully(text, 'f.yaml');
  expect(full.ok, 'the full parser rejects what the fast path accepted').toBe(true);
  if (!full.ok) return true;
  expect(fast.value).toEqual(full.value);
  for (const path of paths(full.value)) {
    expect(fast.sourceMap.locate(path), JSON.stringify(path)).toEqual(full.sourceMap.locate(path));
    expect(fast.sourceMap.locate(path, 'key'), JSON.stringify(path)).toEqual(full.sourceMap.locate(path, 'key'));
  }
  // Paths that run past the document stop at the deepest node, in both.
  for (const path of [['nope'], ['phases', 99, 'gates'], ['metadata', 'name', 'deeper']]) {
    expect(fast.sourceMap.locate(path)).toEqual(full.sourceMap.locate(path));
  }
  return true;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe('the fast YAML path', () => {
  const files = ['specs', 'fixtures', 'test'].flatMap((d) => yamlFiles(join(ROOT, d)));

  it('reads the repository\'s specs, timelines and test files as the full parser does', () => {
    const answered = files.filter((f) => agree(readFileSync(f, 'utf8')));
    // Not vacuous: the bundled specs and their test files all take the fast path.
    for (const spec of ['specs/release.yaml', 'specs/dashboard.yaml', 'specs/custom-command.yaml', 'specs/release.test.yaml']) {
      expect(answered.map((f) => relative(ROOT, f))).toContain(spec);
    }
  });

  it('agrees on generated documents', () => {
    let answered = 0;
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
      if (agree(stringify(value))) answered++;
      if (agree(JSON.stringify(value, null, 1))) answered++;
    }), { numRuns: RUNS });
    expect(answered).toBeGreaterThan(RUNS / 2);
  });

  it('agrees on a real spec with characters cut, doubled or replaced anywhere', () => {
    const text = readFileSync(join(ROOT, 'specs/release.yaml'), 'utf8');
    let answered = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.constantFrom('cut', 'double', 'replace'), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 4 }), (edits) => {
      let t = text;
      for (const [at, op, s] of edits) {
        const i = at % Math.max(1, t.length);
        t = op === 'cut' ? t.slice(0, i) + t.slice(i + 1) : op === 'double' ? t.slice(0, i) + t[i] + t.slice(i) : t.slice(0, i) + s + t.slice(i + 1);
      }
      if (agree(t)) answered++;
    }), { numRuns: RUNS });
    expect(answered).toBeGreaterThan(RUNS / 4);
  });

  it('agrees on documents put together from tricky pieces of YAML', () => {
    const key = fc.constantFrom('k', 'a b', '"q k"', "'s k'", '"\\u00e9"', 'x-y', '? e', 'true', '1', 'null', 'k#', '"k\\tk"');
    const value = fc.constantFrom(
      'a b', 'x:y', 'a#b', 'a # note', '-1', '+1', '0o7', '0x1f', '1e3', '1.5e-3', '.5', '1.', '.inf', '.NaN', 'true', 'True', 'no', '~', 'NULL',
      '"a\\tb"', '"\\u00e9\\x41"', "'it''s'", '"two\n  lines"', "'two\n  lines'", 'word\n  more words', '[a, b]', '{ a: 1, b: [x, "y"] }', '[ ]', '{}',
      '[a,\n  b]', '"a: b"', 'é', '- x', '|-\n  lit', '&a 1', '*a', '!!str 5', '2026-02-16', '"',
    );
    const line = fc.tuple(fc.nat({ max: 2 }), key, value, fc.boolean());
    let answered = 0;
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      let depth = 0;
      const text = lines.map(([indent, k, v, open]) => {
        depth = Math.min(indent, depth);
        const out = `${'  '.repeat(depth)}${k}:${open ? '' : ` ${v}`}`;
        if (open) depth++;
        return out;
      }).join('\n') + '\n';
      if (agree(text)) answered++;
    }), { numRuns: RUNS * 4 });
    // Most pieces send the document to the full parser; enough of them must not.
    expect(answered).toBeGreaterThan(RUNS / 10);
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: { x: 1 }\nb: { <<: { y: 2 } }\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a number as a key', '1: a\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a list at the root', '- a\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['a __proto__ key', '__proto__: { polluted: true }\n'],
    ['deep nesting', 'a: ' + '['.repeat(70) + ']'.repeat(70) + '\n'],
  ])('leaves %s to the full parser', (_what, text) => {
    expect(parseYamlFast(text)).toBeUndefined();
    // …which still reads or explains it.
    const outcome = (r: ReturnType<typeof parseYaml>) => (r.ok ? r.value : r.diagnostics);
    expect(outcome(parseYaml(text, 'f.yaml'))).toEqual(outcome(parseYamlFully(text, 'f.yaml')));
  });

  it('resolves plain scalars by the YAML 1.2 core schema', () => {
    const fast = parseYamlFast([
      'n1: ~', 'n2: null', 'n3: NULL', 'b1: true', 'b2: False', 'b3: yes', 'i1: 0o17', 'i2: -42', 'i3: 0x1F', 'i4: 1_000',
      'f1: .inf', 'f2: -.Inf', 'f4: 1e3', 'f5: -1.5', 'f6: .5', 'f7: 1.', 's1: 2026-02-16', 's2: 08', 's3: 0b101', 's4: +.5e-3x',
    ].join('\n') + '\n');
    expect(fast?.value).toEqual({
      n1: null, n2: null, n3: null, b1: true, b2: false, b3: 'yes', i1: 15, i2: -42, i3: 31, i4: '1_000',
      f1: Infinity, f2: -Infinity, f4: 1000, f5: -1.5, f6: 0.5, f7: 1, s1: '2026-02-16', s2: 8, s3: '0b101', s4: '+.5e-3x',
    });
    expect(Number.isNaN((parseYamlFast('x: .NaN\n')?.value as { x: number }).x)).toBe(true);
  });
});
