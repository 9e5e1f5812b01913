/** Markdown for pull-request comments and job summaries. */
import { markdownCell as cell } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { errorsOf, summaryLine, where } from './summary.js';


export const renderMarkdown: ValidationRenderer = (results) => {
  let out = `### rollgate validate\n\n${summaryLine(results)}\n\n`;
  out += '| spec | result |\n| --- | --- |\n';
  for (const r of results) out += `| \`${cell(r.file)}\` | ${errorsOf(r).length === 0 ? 'valid' : '**invalid**'} |\n`;
  const all = results.flatMap((r) => r.diagnostics);
  if (all.length > 0) {
    out += '\n| where | severity | problem |\n| --- | --- | --- |\n';
    for (const d of all) out += `| \`${cell(where(d))}\` | ${d.severity} | ${cell(d.message)} |\n`;
  }
  return { stdout: out, stderr: '' };
};
