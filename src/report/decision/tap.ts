/**
 * TAP: a test point per gate and per trigger (of each surface), in the record's order: a passing
 * gate and a quiet trigger are `ok`; a failing or erroring gate, a fired or erroring trigger
 * `not ok`, with its message, where the spec writes it and its trace. The decision, its reasons
 * and the next step are comments.
 */
import { formatPosition } from '../diagnostic.js';
import { textLines } from '../escape.js';
import { tapLines, type TapPoint } from '../tap.js';
import type { DecisionRenderer } from './index.js';
import { where } from './words.js';

export const renderTap: DecisionRenderer = (r, ctx) => {
  const at = (source: { file: string; line: number; col: number } | null) => (source ? formatPosition(source) : ctx.spec.file);
  const points: TapPoint[] = [];
  for (const g of r.gates) {
    const failed = g.result !== 'pass';
    points.push({
      ok: !failed,
      description: `gate ${g.name}${where(g.surface)}`,
      diagnostics: failed ? { message: g.message, severity: r.decision === 'rollback' ? 'error' : 'warning', at: at(g.source), result: g.result, phase: g.phase, trace: g.trace } : undefined,
    });
  }
  for (const t of r.triggers) {
    const failed = t.fired || t.matched === null;
    points.push({
      ok: !failed,
      description: `trigger ${t.name}${where(t.surface)}`,
      diagnostics: failed ? { message: t.message, severity: t.fired && t.action === 'rollback' ? 'error' : 'warning', at: at(t.source), result: t.fired ? `fired (${t.action})` : 'error', trace: t.trace } : undefined,
    });
  }
  const head = [`rollgate evaluate ${r.rollout}: ${r.decision} in ${r.phase.name} (${r.phase.traffic}%), check ${r.check}`];
  const tail = [...r.reasons.map((reason) => `reason: ${reason}`), `next: ${r.next}`];
  return { stdout: textLines(tapLines(points, { head, tail })) };
};
