import type { ValidationRenderer } from './index.js';
import { errorsOf, summaryLine, warningsOf, where } from './summary.js';

export const renderText: ValidationRenderer = (results) => {
  let stdout = '';
  let stderr = '';
  for (const r of results) {
    for (const d of r.diagnostics) stderr += `${where(d)}: ${d.severity}: ${d.message}\n`;
    const errors = errorsOf(r).length;
    const warnings = warningsOf(r).length;
    const note = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
    stdout += errors === 0 ? `ok      ${r.file}${note}\n` : `${r.missing ? 'MISSING' : 'INVALID'} ${r.file}\n`;
  }
  stdout += summaryLine(results) + '\n';
  return { stdout, stderr };
};
