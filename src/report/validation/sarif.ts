/** SARIF 2.1.0 for GitHub code scanning: a result per diagnostic, at its line and column in the spec. */
import { jsonText } from '../escape.js';
import { diagnosticFinding, sarifLog } from '../sarif.js';
import type { ValidationRenderer } from './index.js';

export const renderSarif: ValidationRenderer = (results, ctx) => ({
  stdout: jsonText(sarifLog('validate', results.flatMap((r) => r.diagnostics.map(diagnosticFinding)), ctx ? ctx.tool : undefined), 2) + '\n',
  stderr: '',
});
