/** GitHub Actions annotations: failures on the expectation's line, coverage gaps on the spec's gate or trigger. */
import { textLines, workflowCommand, type OutputLine } from '../escape.js';
import type { TestRenderer } from './index.js';
import { gapOf, gaps, itemLabel, summaryLine } from './summary.js';

const annotation = (level: 'error' | 'warning', file: string, line: number, col: number, title: string, message: string | readonly string[]) =>
  workflowCommand(level, { file, ...(line > 0 ? { line, col } : {}), title }, message);

export const renderGithub: TestRenderer = (run) => {
  const out: OutputLine[] = [];
  for (const f of run.files) {
    for (const d of f.diagnostics) out.push(annotation(d.severity, d.file, d.line, d.col, `rollgate test: ${d.code}`, d.message));
    for (const c of f.cases) {
      for (const x of c.failures) {
        out.push(annotation('error', f.file, x.expectation.line, x.expectation.col, `rollgate test: ${c.name}`, [x.message, ...x.expected.map((l) => `- ${l}`), ...x.actual.map((l) => `+ ${l}`)]));
      }
    }
  }
  for (const c of run.coverage) {
    for (const item of gaps(c)) out.push(annotation('warning', item.source.file, item.source.line, item.source.col, 'rollgate test: coverage', `${itemLabel(item)} is not tested both ways: ${gapOf(item)}`));
  }
  out.push(summaryLine(run));
  return { stdout: textLines(out), stderr: '' };
};
