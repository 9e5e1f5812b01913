/** Side inputs (harness reports, sign-offs, browser summaries): JSON or YAML files, read leniently about presence, strictly about content. */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { InputObservation } from '../engine/observations.js';
import type { InputSpec } from '../spec/types.js';
import { yamlLibrary } from '../spec/yaml-library.js';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export function readInput(input: InputSpec, root: string, override?: string): InputObservation {
  const file = override ?? (isAbsolute(input.file) ? input.file : resolve(root, input.file));
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) return input.required ? { status: 'missing', file, error: 'is missing (a required input)' } : { status: 'absent', file };
  if (!info.isFile()) return { status: 'invalid', file, error: 'is not a regular file' };
  if (info.size > MAX_INPUT_BYTES) return { status: 'invalid', file, error: `is ${info.size} bytes, over the ${MAX_INPUT_BYTES}-byte limit` };
  const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : input.format;
  try {
    const text = readFileSync(file, 'utf8');
    const value: unknown = format === 'json' ? JSON.parse(text) : yamlLibrary().parse(text, { maxAliasCount: 100, uniqueKeys: true });
    return { status: 'loaded', file, value: value ?? null };
  } catch (err) {
    return { status: 'invalid', file, error: `cannot be parsed as ${format.toUpperCase()}: ${(err as Error).message.split('\n')[0]}` };
  }
}
