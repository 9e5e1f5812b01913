/** GitHub Actions annotations: failures on the expectation's line, coverage gaps on the spec's gate or trigger. */
import { githubData, githubProperty } from '../escape.js';
import type { TestRenderer } from './index.js';
import { gapOf, gaps, itemLabel, summaryLine } from './summary.js';

const annotation = (level: 'error' | 'warning', file: string, line: number, col: number, title: string, message: string) => {
  const props = [`file=${githubProperty(file)}`];
  if (line > 0) props.push(`line=${line}`, `col=${col}`);
  props.push(`title=${githubProperty(title)}`);
  return `::${level} ${props.join(',')}::${githubData(message)}\n`;
};

export const renderGithub: TestRenderer = (run) => {
  let out = '';
  for (const f of run.files) {
    for (const d of f.diagnostics) out += annotation(d.severity, d.file, d.line, d.col, `rollgate test: ${d.code}`, d.message);
    for (const c of f.cases) {
      for (const x of c.failures) {
        const diff = [...x.expected.map((l) => `- ${l}`), ...x.actual.map((l) => `+ ${l}`)].join('\n');
        out += annotation('error', f.file, x.expectation.line, x.expectation.col, `rollgate test: ${c.name}`, `${x.message}${diff ? `\n${diff}` : ''}`);
      }
    }
  }
  for (const c of run.coverage) {
    for (const item of gaps(c)) out += annotation('warning', item.source.file, item.source.line, item.source.col, 'rollgate test: coverage', `${itemLabel(item)} is not tested both ways: ${gapOf(item)}`);
  }
  out += summaryLine(run) + '\n';
  return { stdout: out, stderr: '' };
};
