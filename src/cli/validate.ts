/** `rollgate validate <spec...>`: schema + semantic checks; exit 0 valid, 65 invalid, 66 missing. `-` reads a spec from stdin. */
import { readFileSync, readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { loadSpecFile, loadSpecText, MAX_SPEC_BYTES, type SpecResult } from '../spec/load-spec.js';
import { RENDERERS, type ValidateFormat } from '../report/validation/index.js';
import type { SarifTool } from '../report/sarif.js';
import { emit } from './emit.js';
import { EXIT, noFail, VERDICTS } from './exit-codes.js';
import { expandSpecPaths } from './spec-paths.js';

export interface ValidateOptions {
  format: ValidateFormat;
  /** Every warning is an error: the spec is invalid (65) and every format shows `error`. */
  strict?: boolean;
  /** Exit 0 for invalid specs too (the diagnostics are still printed); a missing file still fails. */
  noFail?: boolean;
  /** commander's spelling of `--no-fail` (false when given). */
  fail?: boolean;
}

/** A result as `--strict` sees it: warnings become errors, and a spec with any is not valid. */
export function strictResult(result: SpecResult): SpecResult {
  if (!result.diagnostics.some((d) => d.severity === 'warning')) return result;
  return { ...result, spec: null, diagnostics: result.diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d)) };
}

/** The argument that stands for standard input, and the name its spec has in diagnostics. */
export const STDIN_ARG = '-';
export const STDIN_NAME = '<stdin>';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Standard input to its end, bounded like a spec file: at most MAX_SPEC_BYTES + 1 bytes (the one
 * more says "too large" without reading on). Closed or absent stdin is empty
 * (EOF at once, never a wait); a non-blocking pipe with nothing in it yet (EAGAIN) is waited on,
 * 10 ms at a time, until its writer writes or closes it.
 */
export function readStdin(fd = 0): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  let size = 0;
  while (size <= MAX_SPEC_BYTES) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, Math.min(buffer.length, MAX_SPEC_BYTES + 1 - size), null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(SLEEP, 0, 0, 10);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF' || code === 'ENXIO') break; // closed or absent: nothing more
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    size += n;
  }
  return Buffer.concat(chunks, size);
}

/** The spec on standard input, checked like a file and named `<stdin>`; it has no directory (paths in it resolve against the working directory, like any spec's). */
export function loadStdinSpec(read: () => Buffer = readStdin): SpecResult {
  if (isatty(0)) process.stderr.write('rollgate validate: reading a spec from the terminal; end it with Ctrl-D\n');
  let bytes: Buffer;
  try {
    bytes = read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { file: STDIN_NAME, spec: null, missing: false, diagnostics: [{ severity: 'error', code: 'unreadable', message: `cannot read standard input (${code})`, file: STDIN_NAME, line: 0, col: 0, path: '' }] };
  }
  // Reading stopped one byte past the limit: how much more there was is not known.
  if (bytes.length > MAX_SPEC_BYTES) {
    return { file: STDIN_NAME, spec: null, missing: false, diagnostics: [{ severity: 'error', code: 'too-large', message: 'standard input holds more than 1 MiB; rollgate reads specs up to 1 MiB (a rollout spec is a few KB), so check what is piped in', file: STDIN_NAME, line: 1, col: 1, path: '' }] };
  }
  return loadSpecText(bytes, STDIN_NAME);
}

/** rollgate's version (and home page, when package.json names one), for the SARIF driver. */
export function rollgateTool(): SarifTool {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };
  return { version: pkg.version, ...(pkg.homepage ? { informationUri: pkg.homepage } : {}) };
}

export function runValidate(args: string[], options: ValidateOptions): number {
  const loaded: SpecResult[] = [];
  const emptyDirs: string[] = [];
  let stdin: SpecResult | undefined;
  for (const arg of args) {
    if (arg === STDIN_ARG) {
      loaded.push((stdin ??= loadStdinSpec()));
      continue;
    }
    const expanded = expandSpecPaths([arg]);
    loaded.push(...expanded.files.map(loadSpecFile));
    emptyDirs.push(...expanded.emptyDirs);
  }
  const results = options.strict ? loaded.map(strictResult) : loaded;
  for (const dir of emptyDirs) {
    results.push({
      file: dir, spec: null, missing: true,
      diagnostics: [{ severity: 'error', code: 'no-specs', message: 'this directory holds no *.yaml spec', file: dir, line: 0, col: 0, path: '' }],
    });
  }
  emit(RENDERERS[options.format](results, options.format === 'sarif' ? { tool: rollgateTool() } : undefined));
  const code = results.some((r) => r.missing) ? EXIT.MISSING : results.some((r) => r.spec === null) ? EXIT.INVALID : EXIT.OK;
  return (options.noFail ?? options.fail === false) ? noFail(code, VERDICTS.validate) : code;
}
