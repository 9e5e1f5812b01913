/**
 * TAP: a test point per spec file (ok when it has no error), then one per diagnostic: an error is
 * `not ok`, a warning `not ok … # TODO` (reported, not failing: validate exits 0 for warnings).
 */
import { formatDiagnostic, formatPosition } from '../diagnostic.js';
import { textLines } from '../escape.js';
import { tapLines, type TapPoint } from '../tap.js';
import type { ValidationRenderer } from './index.js';
import { errorsOf, summaryLine } from './summary.js';

export const renderTap: ValidationRenderer = (results) => {
  const points: TapPoint[] = [];
  for (const r of results) {
    const errors = errorsOf(r);
    const first = errors[0];
    points.push({
      ok: first === undefined,
      description: `${r.file} is ${r.missing ? 'missing' : first === undefined ? 'valid' : 'invalid'}`,
      diagnostics: first && { message: `${errors.length} error${errors.length === 1 ? '' : 's'}: ${first.message}`, severity: 'error', at: formatPosition(first), code: first.code },
    });
    for (const d of r.diagnostics) {
      points.push({
        ok: false,
        description: formatDiagnostic(d),
        ...(d.severity === 'warning' ? { todo: 'warning' } : {}),
        diagnostics: { message: d.message, severity: d.severity, at: formatPosition(d), code: d.code, ...(d.path ? { path: d.path } : {}) },
      });
    }
  }
  return { stdout: textLines(tapLines(points, { tail: [summaryLine(results)] })), stderr: '' };
};
