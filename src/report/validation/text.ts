import { textLines } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { formatDiagnostic } from '../diagnostic.js';
import { errorsOf, summaryLine, warningsOf } from './summary.js';

export const renderText: ValidationRenderer = (results) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) stderr.push(formatDiagnostic(d));
    const errors = errorsOf(r).length;
    const warnings = warningsOf(r).length;
    const note = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
    stdout.push(errors === 0 ? `ok      ${r.file}${note}` : `${r.missing ? 'MISSING' : 'INVALID'} ${r.file}`);
  }
  stdout.push(summaryLine(results));
  return { stdout: textLines(stdout), stderr: textLines(stderr) };
};
