/** Property: whatever the bytes, loading a spec returns diagnostics and never throws. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { MINIMAL } from '../helpers/paths.js';

const outcomeIsSound = (content: string | Uint8Array) => {
  const result = loadSpecText(content, 'fuzz.yaml');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  // Either a spec with no errors, or errors and no spec; every message is a real sentence.
  expect(result.spec === null).toBe(errors.length > 0);
  for (const d of result.diagnostics) {
    expect(d.message.length).toBeGreaterThan(10);
    expect(d.line).toBeGreaterThanOrEqual(1);
  }
};

describe('the spec loader on generated input', () => {
  it('arbitrary JSON-like values written as YAML', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => outcomeIsSound(stringify(value))), { numRuns: 300 });
  });

  it('arbitrary text and bytes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => outcomeIsSound(text)), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => outcomeIsSound(bytes)), { numRuns: 300 });
  });

  it('the valid spec with a random slice cut out or a random line duplicated', () => {
    const lines = MINIMAL.split('\n');
    fc.assert(
      fc.property(fc.nat(MINIMAL.length), fc.nat(40), fc.nat(lines.length - 1), (at, len, line) => {
        outcomeIsSound(MINIMAL.slice(0, at) + MINIMAL.slice(at + len));
        outcomeIsSound([...lines.slice(0, line + 1), ...lines.slice(line)].join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('the valid spec with random values spliced into its keys', () => {
    const doc = loadSpecText(MINIMAL, 'x').spec!;
    expect(doc).not.toBeNull();
    const keys = ['traffic', 'soak', 'each', 'rule', 'when', 'consecutive', 'action', 'cron', 'timezone', 'stateDir', 'name'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        const re = new RegExp(`(${key}: )[^\\n]*`);
        outcomeIsSound(MINIMAL.replace(re, `$1${JSON.stringify(value)}`));
      }),
      { numRuns: 400 },
    );
  });
});
