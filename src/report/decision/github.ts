/**
 * GitHub Actions: annotations (failing gates and fired triggers at their line in the spec),
 * and the Markdown report as the step summary (the command appends it to $GITHUB_STEP_SUMMARY).
 */
import type { RecordSource } from '../../engine/record.js';
import { textLines, workflowCommand, type OutputLine } from '../escape.js';
import type { DecisionRenderer } from './index.js';
import { markdownLines } from './markdown.js';
import { where } from './words.js';


export const renderGithub: DecisionRenderer = (r, ctx) => {
  const out: OutputLine[] = [];
  // The record says where each gate and trigger is written (an inherited gate: in the phase that
  // declared it); a record without positions annotates the spec file as a whole.
  const at = (source: RecordSource): Record<string, string | number> => (source ? { file: source.file, line: source.line, col: source.col } : { file: ctx.spec.file });
  const level = r.decision === 'rollback' ? 'error' : r.decision === 'hold' ? 'warning' : 'notice';
  out.push(workflowCommand(level, { file: ctx.spec.file, title: `rollgate ${r.decision}: ${r.rollout} ${r.phase.name}` }, r.reasons));
  for (const g of r.gates) {
    if (g.result === 'pass') continue;
    out.push(workflowCommand(r.decision === 'rollback' ? 'error' : 'warning', { ...at(g.source), title: `gate ${g.name}${where(g.surface)} ${g.result}` }, g.message));
  }
  for (const t of r.triggers) {
    if (!t.fired && t.matched !== null) continue;
    out.push(workflowCommand(t.fired && t.action === 'rollback' ? 'error' : 'warning', { ...at(t.source), title: `trigger ${t.name}${where(t.surface)} ${t.fired ? 'fired' : 'errored'}` }, t.message));
  }
  return { stdout: textLines(out), appendToStepSummary: textLines(markdownLines(r)) + '\n' };
};
