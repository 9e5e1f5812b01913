import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { declareAnnotations } from '../../src/spec/schema-check.js';
import { readSchema } from '../../src/spec/schema-files.js';

type Node = Record<string, unknown>;

/** Every property of every object in the schema, with its path. */
function properties(node: unknown, path = '#'): [string, Node][] {
  if (node === null || typeof node !== 'object') return [];
  const out: [string, Node][] = [];
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'properties') {
      for (const [name, prop] of Object.entries(value as Node)) out.push([`${path}/properties/${name}`, prop as Node]);
    }
    out.push(...properties(value, `${path}/${key}`));
  }
  return out;
}

describe.each(['rollout-spec.schema.json', 'context.schema.json', 'decision.schema.json', 'timeline.schema.json', 'spec-test.schema.json'])('schemas/%s', (name) => {
  const schema = readSchema(name);

  it('compiles in Ajv strict mode', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    declareAnnotations(ajv);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('describes every property, so editors show help', () => {
    const missing = properties(schema).filter(([, p]) => typeof p.description !== 'string' || p.description.length < 8).map(([path]) => path);
    expect(missing).toEqual([]);
  });
});

it('the spec schema closes every object a typo could slip into', () => {
  const schema = readSchema('rollout-spec.schema.json') as Node;
  const defs = schema.definitions as Record<string, Node>;
  for (const def of ['surface', 'input', 'phase', 'gate', 'trigger', 'hook', 'cronSchedule']) {
    expect(defs[def]!.additionalProperties, def).toBe(false);
  }
  expect(schema.additionalProperties).toBe(false);
});
