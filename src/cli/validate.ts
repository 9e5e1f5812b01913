/** `rollgate validate <spec...>`: schema + semantic checks; exit 0 valid, 65 invalid, 66 missing. */
import { loadSpecFile, type SpecResult } from '../spec/load-spec.js';
import { RENDERERS, type ValidateFormat } from '../report/validation/index.js';
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

export function runValidate(args: string[], options: ValidateOptions): number {
  const { files, emptyDirs } = expandSpecPaths(args);
  const loaded: SpecResult[] = files.map(loadSpecFile);
  const results = options.strict ? loaded.map(strictResult) : loaded;
  for (const dir of emptyDirs) {
    results.push({
      file: dir, spec: null, missing: true,
      diagnostics: [{ severity: 'error', code: 'no-specs', message: 'this directory holds no *.yaml spec', file: dir, line: 0, col: 0, path: '' }],
    });
  }
  emit(RENDERERS[options.format](results));
  const code = results.some((r) => r.missing) ? EXIT.MISSING : results.some((r) => r.spec === null) ? EXIT.INVALID : EXIT.OK;
  return (options.noFail ?? options.fail === false) ? noFail(code, VERDICTS.validate) : code;
}
