/**
 * Side inputs (harness reports, sign-offs, browser summaries): JSON or YAML files, read
 * leniently about presence, strictly about content: a repeated key (JSON or YAML) is invalid,
 * and a FIFO, device or directory in the file's place is refused without blocking.
 */
import { isAbsolute, resolve } from 'node:path';
import type { InputObservation } from '../engine/observations.js';
import type { InputSpec } from '../spec/types.js';
import { yamlLibrary } from '../spec/yaml-library.js';
import { parseStrictJson } from './strict-json.js';
import { readUntrusted } from './untrusted-file.js';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export function readInput(input: InputSpec, root: string, override?: string): InputObservation {
  const file = override ?? (isAbsolute(input.file) ? input.file : resolve(root, input.file));
  // Named '' so every reason reads as a predicate of the file path the record puts before it.
  const read = readUntrusted(file, MAX_INPUT_BYTES, '');
  if (!read.ok) {
    if (read.missing) return input.required ? { status: 'missing', file, error: 'is missing (a required input)' } : { status: 'absent', file };
    return { status: 'invalid', file, error: read.reason.trim() };
  }
  const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : input.format;
  try {
    const text = read.bytes.toString('utf8');
    let value: unknown;
    if (format === 'json') {
      const parsed = parseStrictJson(text);
      if (!parsed.ok) throw new Error(parsed.error);
      value = parsed.value;
    } else {
      value = yamlLibrary().parse(text, { maxAliasCount: 100, uniqueKeys: true });
    }
    return { status: 'loaded', file, value: value ?? null };
  } catch (err) {
    return { status: 'invalid', file, error: `cannot be parsed as ${format.toUpperCase()}: ${(err as Error).message.split('\n')[0]}` };
  }
}
