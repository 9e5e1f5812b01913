import type { Diagnostic } from '../../spec/diagnostic.js';
import { jsonText } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { errorsOf, warningsOf } from './summary.js';

const entry = (d: Diagnostic) => ({ line: d.line, col: d.col, path: d.path, message: d.message, code: d.code });

export const renderJson: ValidationRenderer = (results) => ({
  stdout:
    jsonText(
      results.map((r) => ({
        file: r.file,
        valid: errorsOf(r).length === 0,
        ...(r.missing ? { missing: true } : {}),
        ...(r.spec ? { rollout: r.spec.name, spec_digest: r.spec.digest } : {}),
        errors: errorsOf(r).map(entry),
        warnings: warningsOf(r).map(entry),
      })),
      2,
    ) + '\n',
  stderr: '',
});
