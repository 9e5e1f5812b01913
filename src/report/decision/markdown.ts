/** Markdown for pull-request comments and job summaries. */
import { markdownCell as cell, textLines } from '../escape.js';
import { isoOf } from '../../time/instant.js';
import type { DecisionRecord } from '../../engine/record.js';
import type { DecisionRenderer } from './index.js';
import { gateCounts, metricAnswer, minutes, position, routingLine, streak } from './words.js';

const ICON = { promote: '⏫', wait: '⏳', hold: '⏸️', rollback: '⏪', complete: '✅' } as const;

/** The report's lines (before escaping): also the step summary of the `github` format. */
export function markdownLines(r: DecisionRecord): string[] {
  const out: string[] = [];
  out.push(`### ${ICON[r.decision]} rollgate: **${r.decision}** · ${r.rollout} · ${r.phase.name} (${r.phase.traffic}%)`, '');
  for (const reason of r.reasons) out.push(`- ${cell(reason)}`);
  out.push('', `Next: ${cell(r.next)}`, '', `Soak: ${minutes(r.soak.held_ms)} of ${minutes(r.soak.required_ms)} held · check ${r.check} · ${isoOf(r.evaluated_unix_ms)}`, '');
  if (r.gates.length > 0) {
    out.push(`| gate (${gateCounts(r.gates)}) | surface | result | values | spec |`, '| --- | --- | --- | --- | --- |');
    for (const g of r.gates) out.push(`| ${g.name} | ${g.surface ?? ''} | ${g.result === 'pass' ? 'pass' : `**${g.result}**`} | ${cell(g.message)} | ${cell(position(g.source) ?? '')} |`);
    out.push('');
  }
  if (r.triggers.length > 0) {
    out.push('| trigger | surface | streak | action | values | spec |', '| --- | --- | --- | --- | --- | --- |');
    for (const t of r.triggers) out.push(`| ${t.name} | ${t.surface ?? ''} | ${t.fired ? `**${streak(t)}**` : streak(t)} | ${t.action} | ${cell(t.message)} | ${cell(position(t.source) ?? '')} |`);
    out.push('');
  }
  if (r.metrics && Object.keys(r.metrics).length > 0) {
    out.push('| metric | answer | query | at |', '| --- | --- | --- | --- |');
    for (const [name, m] of Object.entries(r.metrics)) out.push(`| ${cell(name)} | ${cell(metricAnswer(m))} | ${cell(m.query)} | ${isoOf(m.time_unix_ms)} |`);
    out.push('');
  }
  if (r.routing) out.push(`Routing: ${cell(routingLine(r.routing))}`, '');
  out.push('| surface | health | gate | reason |', '| --- | --- | --- | --- |');
  for (const [name, s] of Object.entries(r.surfaces)) out.push(`| ${name} | ${s.health_state}${s.stale ? ' (stale)' : ''}${s.paused ? ' (paused)' : ''} | ${s.rollout_gate} | ${cell(s.health_reason)} |`);
  return out;
}

export const renderMarkdown: DecisionRenderer = (r) => ({ stdout: textLines(markdownLines(r)) });
