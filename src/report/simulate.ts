/** `rollgate simulate`: the decisions of a replay, as rows (text, markdown) or every record (json). */
import { decisionRow, decisionRuns, isoSeconds, runRow } from '../engine/record-rows.js';
import type { SimulationResult } from '../simulate/simulate.js';
import { jsonText, markdownCell, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const SIMULATE_FORMATS = ['text', 'json', 'markdown'] as const;
export type SimulateFormat = (typeof SIMULATE_FORMATS)[number];

export interface SimulationView {
  /** The spec replayed, and with --spec-b the one it is compared with. */
  specs: { name: string; file: string }[];
  /** The timeline file. */
  timeline: string;
  /** One per spec, in the same order. */
  results: SimulationResult[];
}

function rows(view: SimulationView, md: boolean): string[] {
  const { specs, timeline, results } = view;
  const lines: string[] = [];
  if (results.length === 1) {
    const [r] = results;
    if (md) lines.push(`### rollgate simulate: ${specs[0]!.name} on ${timeline}`, '', '| time | decision | phase | reason |', '| --- | --- | --- | --- |');
    else lines.push(`${specs[0]!.name} on ${timeline}: ${r!.checks} checks`);
    // Consecutive checks that decide the same for the same reason make one row, with a count.
    for (const run of decisionRuns(r!.records)) {
      const first = run[0]!;
      const repeat = run.length > 1 ? ` (×${run.length}, until ${isoSeconds(run[run.length - 1]!.evaluated_unix_ms)})` : '';
      if (md) lines.push(`| ${isoSeconds(first.evaluated_unix_ms)} | ${first.decision}${repeat} | ${first.phase.name} (${first.phase.traffic}%) | ${markdownCell(first.reasons[0] ?? '')} |`);
      else lines.push(runRow(run));
    }
    if (md) lines.push('', `**End:** ${r!.end.summary}`);
    else lines.push(`end: ${r!.end.summary}`);
  } else {
    // Side by side: every instant where the two specs decide differently, plus the two ends.
    const [a, b] = results as [SimulationResult, SimulationResult];
    lines.push(`A ${specs[0]!.file} vs B ${specs[1]!.file} on ${timeline}: ${a.checks} checks`);
    let diverged = 0;
    for (let i = 0; i < Math.max(a.records.length, b.records.length); i++) {
      const x = a.records[i];
      const y = b.records[i];
      if (x && y && x.decision === y.decision && x.phase.name === y.phase.name) continue;
      diverged++;
      const at = (x ?? y)!.evaluated_unix_ms;
      lines.push(`${isoSeconds(at)}  A ${x ? decisionRow(x) : '-'}`);
      lines.push(`${' '.repeat(isoSeconds(at).length)}  B ${y ? decisionRow(y) : '-'}`);
    }
    if (diverged === 0) lines.push('the two specs decide the same at every check');
    lines.push(`end A: ${a.end.summary}`, `end B: ${b.end.summary}`);
  }
  return lines;
}

export const SIMULATE_RENDERERS: Record<SimulateFormat, Renderer<SimulationView>> = {
  text: (view) => ({ stdout: textLines(rows(view, false)) }),
  markdown: (view) => ({ stdout: textLines(rows(view, true)) }),
  json: ({ results }) => ({ stdout: jsonText(results.length === 1 ? results[0]!.records : { a: results[0]!.records, b: results[1]!.records }, 2) + '\n' }),
};
