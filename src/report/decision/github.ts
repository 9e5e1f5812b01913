/**
 * GitHub Actions: annotations (failing gates and fired triggers at their line in the spec),
 * and, when GITHUB_STEP_SUMMARY is set, the Markdown report appended to the job summary.
 */
import { appendFileSync } from 'node:fs';
import { githubData as data, githubProperty as prop } from '../escape.js';
import type { DecisionRenderer } from './index.js';
import { renderMarkdown } from './markdown.js';
import { where } from './words.js';


export const renderGithub: DecisionRenderer = (r, ctx) => {
  const out: string[] = [];
  const at = (line: number, col: number) => `file=${prop(ctx.spec.file)},line=${line},col=${col}`;
  const level = r.decision === 'rollback' ? 'error' : r.decision === 'hold' ? 'warning' : 'notice';
  out.push(`::${level} file=${prop(ctx.spec.file)},title=${prop(`rollgate ${r.decision}: ${r.rollout} ${r.phase.name}`)}::${data(r.reasons.join('\n'))}`);
  for (const g of r.gates) {
    if (g.result === 'pass') continue;
    const gate = ctx.spec.phases.flatMap((p) => p.gates).find((x) => x.name === g.name);
    const pos = gate ? at(gate.source.line, gate.source.col) : `file=${prop(ctx.spec.file)}`;
    out.push(`::${r.decision === 'rollback' ? 'error' : 'warning'} ${pos},title=${prop(`gate ${g.name}${where(g.surface)} ${g.result}`)}::${data(g.message)}`);
  }
  for (const t of r.triggers) {
    if (!t.fired && t.matched !== null) continue;
    const trigger = ctx.spec.triggers.find((x) => x.name === t.name);
    const pos = trigger ? at(trigger.source.line, trigger.source.col) : `file=${prop(ctx.spec.file)}`;
    out.push(`::${t.fired && t.action === 'rollback' ? 'error' : 'warning'} ${pos},title=${prop(`trigger ${t.name}${where(t.surface)} ${t.fired ? 'fired' : 'errored'}`)}::${data(t.message)}`);
  }
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, renderMarkdown(r, ctx) + '\n');
  return out.join('\n') + '\n';
};
