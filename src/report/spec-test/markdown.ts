/** A Markdown report for a pull-request comment or a job summary. */
import { sides } from '../../spec-test/coverage.js';
import { markdownCell, textLines } from '../escape.js';
import type { TestRenderer } from './index.js';
import { formatPosition } from '../diagnostic.js';
import { itemLabel, summaryLine } from './summary.js';

export const renderMarkdown: TestRenderer = (run) => {
  const out: string[] = ['### rollgate test', '', `**${summaryLine(run)}**`, '', '| file | case | result | checks |', '| --- | --- | --- | --- |'];
  for (const f of run.files) {
    if (f.status !== 'ok') out.push(`| ${markdownCell(f.file)} | | ❌ ${f.status}: ${markdownCell(f.diagnostics.map((d) => `${formatPosition(d)}: ${d.message}`).join('; '))} | |`);
    for (const c of f.cases) out.push(`| ${markdownCell(f.file)} | ${markdownCell(c.name)} | ${c.status === 'pass' ? '✅ pass' : `❌ ${markdownCell(c.failures.map((x) => x.message).join('; '))}`} | ${c.checks} |`);
  }
  for (const c of run.coverage) {
    out.push('', `#### Coverage of ${markdownCell(c.rollout)}: ${c.covered}/${c.items.length} both ways`, '', '| gate or trigger | one way | other way |', '| --- | --- | --- |');
    for (const item of c.items) {
      const [pos, neg] = sides(item);
      const cell = (cases: string[], side: string) => (cases.length ? `✅ ${side} (${cases.length})` : `❌ never ${side}`);
      out.push(`| ${markdownCell(itemLabel(item))} | ${cell(item.positive, pos)} | ${cell(item.negative, neg)} |`);
    }
  }
  return { stdout: textLines(out), stderr: '' };
};
