/**
 * yaml-subset.ts against the `yaml` library: whenever the subset reader accepts a text, the
 * library reads it without an error or a warning, to the same value (key order included) and the
 * same positions for every key and value. Checked on every YAML file of the repository, the wide
 * bench spec, and seeded mutations of them (lines dropped, re-indented, characters inserted).
 */
import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { DocumentSourceMap, type SourceMap } from '../../src/spec/source-map.js';
import { parseYamlSubset } from '../../src/spec/yaml-subset.js';
import { ROOT } from '../helpers/paths.js';
// @ts-expect-error: a plain ES module of the bench scripts
import { wideSpec } from '../../scripts/bench/wide.mjs';

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** The library as parse-yaml.ts calls it, or null when it reports anything. */
function library(text: string): { value: unknown; sourceMap: SourceMap } | null {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  if (!Array.isArray(docs) || docs.length !== 1) return null;
  const doc = docs[0]!;
  if (doc.errors.length > 0 || doc.warnings.length > 0) return null;
  return { value: doc.toJS({ maxAliasCount: 1000 }), sourceMap: new DocumentSourceMap(doc, lines) };
}

/** Every path to a node of a plain value, and a missing key or item under each collection. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...paths(v, [...at, i])));
    out.push([...at, value.length], [...at, 'x']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
    out.push([...at, 'no-such-key'], [...at, 0]);
  }
  return out;
}

/** A value as text, with what JSON loses (NaN, infinities, -0, key order is kept). */
const shown = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? `#${String(Object.is(x, -0) ? '-0' : x)}` : x));

/** Checks one text; returns whether the subset reader took it. */
function agree(text: string): boolean {
  const subset = parseYamlSubset(text);
  if (!subset) return false;
  const lib = library(text);
  if (!lib) throw new Error(`the subset reader accepted a text the library reports on:\n${text}`);
  expect(shown(subset.value), text).toBe(shown(lib.value));
  for (const path of paths(lib.value)) {
    for (const part of ['key', 'value'] as const) {
      expect(subset.sourceMap.locate(path, part), `${JSON.stringify(path)} ${part} in\n${text}`).toEqual(lib.sourceMap.locate(path, part));
    }
  }
  return true;
}

/** A seeded generator (mulberry32): the same mutations every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', '"', "'", '{', '}', '[', ']', ',', '\n', '&a ', '*a', '!', '|', '>', '?', '~', '0', '1.5', 'true', 'null', '0x1F', '.inf', '\\', 'a',
  // Beyond ASCII: letters and signs the subset reads, and what it leaves to the library (spaces JavaScript trims, NEL, separators, a BOM, C1, a lone surrogate).
  '→', 'é', '§', '😀', '中文', '\u200b', '\u00a0', '\u3000', '\u2000', '\u0085', '\u2028', '\u2029', '\ufeff', '\u0090', '\ud800', '\udc00', '\ufffe', '\u202e'];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = () => Math.floor(rnd() * lines.length);
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const i = pick();
    const what = rnd();
    if (what < 0.2) lines.splice(i, 1);
    else if (what < 0.35) lines.splice(i, 0, lines[pick()]!);
    else if (what < 0.5) lines[i] = (rnd() < 0.5 ? ' ' : '') + lines[i]!.replace(/^ /, rnd() < 0.5 ? '' : ' ');
    else {
      const line = lines[i]!;
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + line.slice(at);
    }
  }
  return lines.join('\n');
}

describe('the YAML subset reader', () => {
  const corpus = [...yamlFiles(ROOT).map((f) => readFileSync(f, 'utf8')), wideSpec(12, 16) as string];

  it('reads the wide bench spec, and agrees with the library on it', () => {
    expect(agree(wideSpec(20, 24) as string)).toBe(true);
  });

  it('reads the repository\'s specs, whose comments say → and §, and agrees with the library on them', () => {
    for (const name of ['custom-command', 'dashboard', 'release']) {
      const text = readFileSync(join(ROOT, 'specs', `${name}.yaml`), 'utf8');
      expect(/[^\x00-\x7f]/.test(text), name).toBe(true);
      expect(agree(text), name).toBe(true);
    }
  });

  it('agrees with the library on every YAML file of the repository it reads', () => {
    let taken = 0;
    for (const text of corpus) if (agree(text)) taken++;
    // Most files are in the subset (the rest, e.g. with block scalars or anchors, go to the library).
    expect(taken).toBeGreaterThan(corpus.length / 2);
  });

  it('agrees with the library on mutated specs, or leaves them to it', () => {
    const rnd = random(20261202);
    let taken = 0;
    for (let round = 0; round < 15; round++) for (const text of corpus) if (agree(mutate(text, rnd))) taken++;
    expect(taken).toBeGreaterThan(0);
  });

  it('agrees with the library on values the library writes', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b c', 'on', 'true', '1', '-x', 'k:v', "it's", '__proto__', '<<', 'é', '→ x'), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
    const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('5% → 25%', 'x\u00a0', '\u3000y', 'a\u2028b', '§ 4', '😀'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('15m', '0o17', '0x1f', '1e3', '.5', '+1', '-0', 'null', 'True', '~', 'a #b', 'a: b', 'x#y'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    const doc = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });
    fc.assert(fc.property(doc, fc.constantFrom<('flow' | 'block')>('flow', 'block'), (data, style) => {
      agree(stringify(data, { collectionStyle: style === 'flow' ? 'flow' : 'any' }));
      agree(stringify(data, { collectionStyle: 'block', flowCollectionPadding: true }));
    }), { numRuns: 300, seed: 7 });
  });

  it('finds a block key\'s colon as the library does: before a comment, followed by a space or the end', () => {
    const texts = ['a # b: c\n', 'a: 1 # b: c\n', 'a#b: 1\n', 'a:b: 1\n', 'a:b c: 1\n', 'a: 1\nb # c:\n', 'x:\n  a #: 1\n', '- a # b: c\n', '- a:b: 1\n',
      'k: { a#b: 1 }\n', 'k: [a:b, c]\n', 'k: [a#b]\n', 'k: { a: [b, c] } # d: e\n', 'a::\n  - 1\n', 'a: :b\n', 'é: 1\n→ x: 2\n'];
    let taken = 0;
    for (const text of texts) {
      const subset = parseYamlSubset(text);
      if (subset) {
        agree(text);
        taken++;
      } else if (library(text)) {
        // Left to the library: fine, as long as the subset did not read it differently.
        expect(subset).toBeNull();
      }
    }
    expect(taken).toBeGreaterThan(5);
    expect(parseYamlSubset('a # b: c\n')).toBeNull(); // a scalar and a comment, not a key
    expect(parseYamlSubset('a#b: 1\n')?.value).toEqual({ 'a#b': 1 });
  });

  it('leaves to the library what the subset does not cover', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: |\n  text\n', 'a:\n', '--- \na: 1\n', 'a: 1\n\tb: 2\n', 'a: "\\n"\n', 'a: {\n  b: 1 }\n', 'a: b\n  c\n', 'a: 1\na: 2\n', '<<: {a: 1}\n', 'a: b: c\n', '- a\n',
      // Characters JavaScript's trim takes for a space, which YAML keeps in a scalar: the library's.
      'a: x\u2029\n', 'a: x\u2028\n', 'a: x\u00a0\n', 'a: x\u3000\n', 'a: [x\u2028, y]\n', 'k\u2028: 1\n', 'a: x\ufeff\n', 'a: x\u0085\n']) {
      const subset = parseYamlSubset(text);
      if (subset) agree(text); // the top-level sequence is read, and must agree
      else expect(subset).toBeNull();
    }
    expect(parseYamlSubset('a: 1\na: 2\n')).toBeNull();
    expect(parseYamlSubset('a: &x 1\nb: *x\n')).toBeNull();
  });
});
