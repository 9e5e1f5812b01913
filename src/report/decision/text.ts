/** For a person at a terminal: the decision first, then why, then what happens next. */
import { textLines } from '../escape.js';
import type { DecisionRenderer } from './index.js';
import { isoOf } from '../../time/instant.js';
import { atPosition, gateCounts, metricAnswer, minutes, routingLine, streak, where } from './words.js';

export const renderText: DecisionRenderer = (r, { explain }) => {
  const out: string[] = [];
  out.push(`${r.decision.toUpperCase()}  ${r.rollout} · ${r.phase.name} (${r.phase.traffic}%) · check ${r.check} · ${isoOf(r.evaluated_unix_ms)}${r.dry_run ? ' · dry run' : ''}`);
  if (r.previous_phase) out.push(`  from ${r.previous_phase.name} (${r.previous_phase.traffic}%)`);
  out.push('why');
  for (const reason of r.reasons) out.push(`  - ${reason}`);
  if (r.gates.length > 0) {
    out.push(`gates (${gateCounts(r.gates)})`);
    // An indexed loop: a wide check's 20,000 results are walked once, in code not yet optimized,
    // where for…of costs several times as much.
    const gates = r.gates;
    for (let i = 0; i < gates.length; i++) {
      const g = gates[i]!;
      if (g.result === 'pass' && !explain) continue;
      out.push(`  ${g.result === 'pass' ? 'ok  ' : g.result === 'fail' ? 'FAIL' : 'ERR '} ${g.name}${where(g.surface)}: ${g.message}${atPosition(g.source)}`);
      if (explain) for (const line of g.trace) out.push(`         ${line}`);
    }
  }
  if (r.triggers.length > 0) {
    out.push('triggers');
    for (const t of r.triggers) {
      if (!explain && t.streak === 0 && t.matched !== null) continue;
      out.push(`  ${t.fired ? 'FIRED' : t.matched === null ? 'ERR  ' : '     '} ${t.name}${where(t.surface)} (${streak(t)}, ${t.action}): ${t.message}${t.fired || t.matched === null || explain ? atPosition(t.source) : ''}`);
      if (explain) for (const line of t.trace) out.push(`         ${line}`);
    }
    if (!explain && r.triggers.every((t) => t.streak === 0 && t.matched !== null)) out.push(`  none matched (${r.triggers.length} evaluated)`);
  }
  if (r.metrics && Object.keys(r.metrics).length > 0) {
    out.push('metrics');
    for (const [name, m] of Object.entries(r.metrics)) {
      out.push(`  ${name}: ${metricAnswer(m)}`);
      if (explain) out.push(`         ${m.source} ${m.query} at ${isoOf(m.time_unix_ms)}`);
    }
  }
  if (r.routing) out.push(`routing ${routingLine(r.routing)}`);
  out.push('surfaces');
  for (const [name, s] of Object.entries(r.surfaces)) {
    out.push(`  ${name}: ${s.health_state}, gate ${s.rollout_gate}${s.paused ? ', paused' : ''}${s.stale ? ', stale' : ''}: ${s.health_reason}`);
  }
  out.push(`soak ${minutes(r.soak.held_ms)} of ${minutes(r.soak.required_ms)} held, ${r.soak.passing_checks} passing check${r.soak.passing_checks === 1 ? '' : 's'} (min ${r.soak.min_checks})`);
  for (const h of r.hooks) out.push(`hook ${h.event} ${h.hook}: ${h.ok ? 'ok' : 'FAILED'} (${h.message})`);
  for (const n of r.notes) out.push(`note ${n}`);
  out.push(`next ${r.next}`);
  return { stdout: textLines(out) };
};
