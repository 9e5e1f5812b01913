/**
 * The spec pipeline: bytes -> text -> YAML -> schema -> lint -> typed Spec. `loadSpecText` is pure
 * (no disk); `loadSpecFile` adds the read. Neither throws on bad input: everything is a diagnostic.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { hasErrors, byPosition, type Diagnostic } from './diagnostic.js';
import { lintSpec } from './lint/index.js';
import { normalizeSpec } from './normalize.js';
import { parseYaml } from './parse-yaml.js';
import { checkSchema } from './schema-check.js';
import type { Spec } from './types.js';

/** A rollout spec is a few KB; anything this large is a mistake (or an attack). */
export const MAX_SPEC_BYTES = 1024 * 1024;

export interface SpecResult {
  file: string;
  /** Present only when there are no errors. */
  spec: Spec | null;
  diagnostics: Diagnostic[];
  /** The file does not exist (exit 66 rather than 65). */
  missing: boolean;
}

export function loadSpecText(content: string | Uint8Array, file: string): SpecResult {
  const result = (diagnostics: Diagnostic[], spec: Spec | null = null): SpecResult => ({
    file, spec, diagnostics: diagnostics.sort(byPosition), missing: false,
  });
  const fileError = (code: string, message: string) => wholeFileError(file, code, message);

  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (bytes.length > MAX_SPEC_BYTES) return tooLarge(file, bytes.length);
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fileError('not-text', `the spec is not a text file (a NUL byte at offset ${nul}); check that this is the right file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fileError('not-text', 'the spec is not valid UTF-8 text; save it as UTF-8');
  }

  const parsed = parseYaml(text, file);
  if (!parsed.ok) return result(parsed.diagnostics);
  const { value, sourceMap } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a single ${typeof value} value`;
    return fileError('not-a-mapping', `the spec must be a mapping with apiVersion, kind, metadata, surfaces and phases, but this file holds ${found}`);
  }
  const data = value as Record<string, unknown>;
  const diagnostics = [...checkSchema(data, file, sourceMap), ...lintSpec(data, file, sourceMap)];
  if (hasErrors(diagnostics)) return result(diagnostics);
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  return result(diagnostics, normalizeSpec(data, file, digest, sourceMap));
}

function wholeFileError(file: string, code: string, message: string): SpecResult {
  return { file, spec: null, missing: false, diagnostics: [{ severity: 'error', code, message, file, line: 1, col: 1, path: '' }] };
}

function tooLarge(file: string, size: number): SpecResult {
  return wholeFileError(file, 'too-large', `the spec is ${(size / 1024 / 1024).toFixed(1)} MiB; rollgate reads specs up to 1 MiB (a rollout spec is a few KB), so check that this is the right file`);
}

/**
 * Reads and checks one spec file. Synchronous on purpose: a command reads a few small files, and
 * the thread-pool round trips of async reads cost more (~5 ms of a ~85 ms `validate`) than they save.
 */
export function loadSpecFile(file: string): SpecResult {
  const failure = (code: string, message: string, missing = false): SpecResult => ({
    file, spec: null, missing, diagnostics: [{ severity: 'error', code, message, file, line: 0, col: 0, path: '' }],
  });
  let bytes: Buffer;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; for a regular file it changes nothing.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      // Look before reading: a device, a FIFO or a huge file must not hang or exhaust memory.
      const info = fstatSync(fd);
      if (info.isDirectory()) return failure('unreadable', 'this is a directory; name the spec files in it (e.g. specs/*.yaml)');
      if (!info.isFile()) return failure('unreadable', 'this is not a regular file (a device, socket or pipe); name a spec file');
      if (info.size > MAX_SPEC_BYTES) return tooLarge(file, info.size);
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return failure('missing-file', 'no such file; check the path (specs usually live in specs/*.yaml)', true);
    if (code === 'EISDIR') return failure('unreadable', 'this is a directory; name the spec files in it (e.g. specs/*.yaml)');
    return failure('unreadable', `cannot read the file (${code ?? (err as Error).message})`);
  }
  return loadSpecText(bytes, file);
}
