/** GitHub Actions workflow commands: annotations on the spec's lines in pull requests. */
import { textLines, workflowCommand, type OutputLine } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { summaryLine } from './summary.js';


export const renderGithub: ValidationRenderer = (results) => {
  const out: OutputLine[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      out.push(workflowCommand(d.severity, { file: d.file, ...(d.line > 0 ? { line: d.line, col: d.col } : {}), title: `rollgate ${d.code}` }, d.message));
    }
  }
  out.push(summaryLine(results));
  return { stdout: textLines(out), stderr: '' };
};
