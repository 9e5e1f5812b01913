/**
 * GitHub Actions: annotations (failing gates and fired triggers at their line in the spec),
 * and the Markdown report as the step summary (the command appends it to $GITHUB_STEP_SUMMARY).
 */
import { textLines, workflowCommand, type OutputLine } from '../escape.js';
import type { DecisionRenderer } from './index.js';
import { markdownLines } from './markdown.js';
import { where } from './words.js';


export const renderGithub: DecisionRenderer = (r, ctx) => {
  const out: OutputLine[] = [];
  const at = (source: { line: number; col: number } | undefined): Record<string, string | number> => (source ? { file: ctx.spec.file, line: source.line, col: source.col } : { file: ctx.spec.file });
  const level = r.decision === 'rollback' ? 'error' : r.decision === 'hold' ? 'warning' : 'notice';
  out.push(workflowCommand(level, { file: ctx.spec.file, title: `rollgate ${r.decision}: ${r.rollout} ${r.phase.name}` }, r.reasons));
  for (const g of r.gates) {
    if (g.result === 'pass') continue;
    const gate = ctx.spec.phases.flatMap((p) => p.gates).find((x) => x.name === g.name);
    out.push(workflowCommand(r.decision === 'rollback' ? 'error' : 'warning', { ...at(gate?.source), title: `gate ${g.name}${where(g.surface)} ${g.result}` }, g.message));
  }
  for (const t of r.triggers) {
    if (!t.fired && t.matched !== null) continue;
    const trigger = ctx.spec.triggers.find((x) => x.name === t.name);
    out.push(workflowCommand(t.fired && t.action === 'rollback' ? 'error' : 'warning', { ...at(trigger?.source), title: `trigger ${t.name}${where(t.surface)} ${t.fired ? 'fired' : 'errored'}` }, t.message));
  }
  return { stdout: textLines(out), appendToStepSummary: textLines(markdownLines(r)) + '\n' };
};
