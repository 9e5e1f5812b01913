/**
 * strict-json.ts: a text whose key count matches its parsed value's is accepted without the
 * walk; any other goes through findDuplicateKey. Either way the verdict is the walk's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey, keysInText, parseStrictJson } from '../../src/observe/strict-json.js';

/** The verdict of the walk alone (what parseStrictJson gave before the count). */
function walked(text: string): { ok: boolean; error?: string } {
  const duplicate = findDuplicateKey(text);
  return duplicate ? { ok: false, error: duplicate } : { ok: true };
}

describe('parseStrictJson', () => {
  it('refuses repeated keys, also when spelt with escapes or nested, and accepts look-alikes in values', () => {
    expect(parseStrictJson('{"a":1,"a":2}')).toEqual({ ok: false, error: 'duplicate key "a" at line 1 column 8' });
    expect(parseStrictJson('{"a":1,"\\u0061":2}').ok).toBe(false);
    expect(parseStrictJson('{"x":[{"b":1},{"b":2,"c":{"d":1,"d":1}}]}').ok).toBe(false);
    expect(parseStrictJson('{"x":"\\"x\\":1","y":"a\\\\","x2":"\\":"}')).toEqual({ ok: true, value: { x: '"x":1', y: 'a\\', x2: '":' } });
    expect(parseStrictJson('{"__proto__":1,"b":{"__proto__":2}}').ok).toBe(true);
    expect(parseStrictJson('{"__proto__":1,"__proto__":2}').ok).toBe(false);
  });

  it('gives the walk’s verdict on generated texts with and without repeats', () => {
    const key = fc.constantFrom('a', 'b', 'a"b', 'a\\b', ':', '\u00e9', '__proto__', 'x y');
    const json = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.integer(), fc.string({ maxLength: 4 }), fc.constantFrom('":', '\\"a\\":'), fc.array(tie('node'), { maxLength: 3 }), fc.array(fc.tuple(key, tie('node')), { maxLength: 4 })),
    })).node;
    // Pairs lists are written as objects, repeats and all.
    const write = (v: unknown): string => {
      if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && ['a', 'b', 'a"b', 'a\\b', ':', '\u00e9', '__proto__', 'x y'].includes(p[0]))) {
        return `{${v.map(([k, x]) => `${JSON.stringify(k)} : ${write(x)}`).join(',')}}`;
      }
      if (Array.isArray(v)) return `[${v.map(write).join(', ')}]`;
      return JSON.stringify(v);
    };
    fc.assert(fc.property(json, (v) => {
      const text = write(v);
      const r = parseStrictJson(text);
      const w = walked(text);
      expect(r.ok).toBe(w.ok);
      if (!r.ok) expect(r.error).toBe(w.error);
    }), { numRuns: 1500, seed: 11 });
  });

  it('counts the keys of valid JSON text exactly: escaped quotes and backslashes, colons in strings, any whitespace before a colon', () => {
    // The reference: every string of the text, and whether a colon follows it.
    const reference = (text: string) => [...text.matchAll(/"(?:[^"\\]|\\.)*"([ \t\n\r]*:)?/g)].filter((m) => m[1] !== undefined).length;
    const ws = fc.constantFrom('', ' ', '\t', '\n', '\r\n  ');
    const str = fc.string({ unit: fc.constantFrom('a', '"', '\\', ':', ' ', '\n', '\u00e9', '{', '['), maxLength: 6 });
    const json = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constant('null'), fc.integer().map(String), str.map((x) => JSON.stringify(x)),
        fc.array(fc.tuple(ws, tie('node'), ws), { maxLength: 3 }).map((xs) => `[${xs.map(([a, v, b]) => a + v + b).join(',')}]`),
        fc.array(fc.tuple(str, ws, ws, tie('node')), { maxLength: 4 }).map((ps) => `{${ps.map(([k, a, b, v]) => `${JSON.stringify(k)}${a}:${b}${v}`).join(',')}}`)),
    })).node;
    fc.assert(fc.property(json, ws, (text, pad) => {
      const padded = pad + text + pad;
      JSON.parse(padded); // valid, as keysInText assumes
      expect(keysInText(padded)).toBe(reference(padded));
    }), { numRuns: 3000, seed: 5 });
    expect(keysInText('{"a\\\\":"b\\"c" , "d" :1}')).toBe(2);
    expect(keysInText('{"a":"unterminated')).toBe(-1);
  });

  it('is not fooled by keys on Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      expect(parseStrictJson('{"a":1,"a":2}').ok).toBe(false);
    } finally {
      delete proto.polluted;
    }
  });
});
