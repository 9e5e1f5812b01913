/** Markdown for pull-request comments and job summaries. */
import { markdownCell as cell, textLines } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { formatPosition } from '../diagnostic.js';
import { errorsOf, summaryLine } from './summary.js';


export const renderMarkdown: ValidationRenderer = (results) => {
  const out: string[] = ['### rollgate validate', '', summaryLine(results), ''];
  out.push('| spec | result |', '| --- | --- |');
  for (const r of results) out.push(`| \`${cell(r.file)}\` | ${errorsOf(r).length === 0 ? 'valid' : '**invalid**'} |`);
  const all = results.flatMap((r) => r.diagnostics);
  if (all.length > 0) {
    out.push('', '| where | severity | problem |', '| --- | --- | --- |');
    for (const d of all) out.push(`| \`${cell(formatPosition(d))}\` | ${d.severity} | ${cell(d.message)} |`);
  }
  return { stdout: textLines(out), stderr: '' };
};
