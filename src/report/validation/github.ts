/** GitHub Actions workflow commands: annotations on the spec's lines in pull requests. */
import { githubData as escapeData, githubProperty as escapeProperty } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { summaryLine } from './summary.js';


export const renderGithub: ValidationRenderer = (results) => {
  let stdout = '';
  for (const r of results) {
    for (const d of r.diagnostics) {
      const props = [`file=${escapeProperty(d.file)}`];
      if (d.line > 0) props.push(`line=${d.line}`, `col=${d.col}`);
      props.push(`title=${escapeProperty(`rollgate ${d.code}`)}`);
      stdout += `::${d.severity} ${props.join(',')}::${escapeData(d.message)}\n`;
    }
  }
  stdout += summaryLine(results) + '\n';
  return { stdout, stderr: '' };
};
