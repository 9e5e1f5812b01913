/**
 * Side inputs (harness reports, sign-offs, browser summaries): JSON or YAML files, read
 * leniently about presence, strictly about content: a repeated key (JSON or YAML) is invalid,
 * and a FIFO, device or directory in the file's place is refused without blocking.
 */
import { parseAllDocuments } from 'yaml';
import type { InputObservation } from '../engine/observations.js';
import type { InputSpec } from '../spec/types.js';
import { parseStrictJson } from './strict-json.js';
import { readUntrusted } from './untrusted-file.js';
import { resolveIn } from './paths.js';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export function readInput(input: InputSpec, root: string, override?: string): InputObservation {
  const file = override ?? resolveIn(root, input.file);
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
      value = parseYamlInput(text);
    }
    return { status: 'loaded', file, value: value ?? null };
  } catch (err) {
    return { status: 'invalid', file, error: `cannot be parsed as ${format.toUpperCase()}: ${(err as Error).message.split('\n')[0]}` };
  }
}

/**
 * A YAML input, as JSON's values only. The `yaml` library's `parse` prints its warnings (with
 * the offending source line, raw) straight to stderr, and turns an unknown tag (`!foo 0`,
 * `!!float 0` in YAML 1.2) into a string; `!!binary`, `!!timestamp`, `!!set` and `!!omap` give a
 * Buffer, a Date, a Set or a Map. Each is an invalid input (a warning is an error), never printed.
 */
function parseYamlInput(text: string): unknown {
  const docs = parseAllDocuments(text, { uniqueKeys: true, resolveKnownTags: false, prettyErrors: false, logLevel: 'silent' });
  if (!Array.isArray(docs)) throw new Error('the YAML parser gave up on this file');
  if (docs.length === 0) return null;
  if (docs.length > 1) throw new Error('it holds more than one YAML document (`---`)');
  const doc = docs[0]!;
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new Error(problem.message);
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const odd = notJsonData(value, '');
  if (odd) throw new Error(odd);
  return value;
}

/** Where a value holds something JSON cannot (a `%YAML 1.1` document still resolves `!!binary`). */
function notJsonData(value: unknown, at: string): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return null;
  const where = at === '' ? 'the document' : `\`${at}\``;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const odd = notJsonData(value[i], at === '' ? String(i) : `${at}.${i}`);
      if (odd) return odd;
    }
    return null;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const odd = notJsonData(v, at === '' ? k : `${at}.${k}`);
      if (odd) return odd;
    }
    return null;
  }
  const kind = typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  return `${where} is a ${kind} (a YAML tag such as !!binary, !!timestamp, !!set or !!omap), not JSON data (a string, number, boolean, null, list or mapping)`;
}
