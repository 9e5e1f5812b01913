/** `rollgate simulate <spec> --timeline FILE [--spec-b OTHER] [--format text|json|markdown] [--record DIR]`. */
import { decisionRow, decisionRuns, isoSeconds, runRow } from '../engine/record-rows.js';
import { jsonText, markdownCell, textLines } from '../report/escape.js';
import { simulate, type SimulationResult } from '../simulate/simulate.js';
import { loadTimelineFile, unknownNames } from '../simulate/timeline.js';
import type { Spec } from '../spec/types.js';
import { makeDirs } from '../store/make-dirs.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, withExitCodes } from './common.js';

export interface SimulateCliOptions {
  timeline: string;
  specB?: string;
  format: 'text' | 'json' | 'markdown';
  record?: string;
}

export function runSimulate(specFile: string, options: SimulateCliOptions): Promise<number> {
  return withExitCodes('simulate', async () => {
    const loaded = loadTimelineFile(options.timeline);
    process.stderr.write(textLines(loaded.diagnostics.map((d) => `${d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file}: ${d.severity}: ${d.message}`)));
    if (!loaded.timeline) throw new ExitError(`${options.timeline}: the timeline is ${loaded.diagnostics.some((d) => d.code === 'missing-file') ? 'missing' : 'invalid'}`, loaded.diagnostics.some((d) => d.code === 'missing-file') ? EXIT.MISSING : EXIT.INVALID);
    const timeline = loaded.timeline;
    const specs: Spec[] = [loadSpecOrExit(specFile)];
    if (options.specB) specs.push(loadSpecOrExit(options.specB));
    for (const spec of specs) {
      const unknown = unknownNames(timeline, spec);
      process.stderr.write(textLines(unknown.map((u) => `${timeline.file}: error: ${u.path.join('.')}: ${u.message}`)));
      if (unknown.length > 0) throw new ExitError(`${options.timeline}: the timeline does not fit ${spec.file}`, EXIT.INVALID);
    }
    if (options.record) {
      // Made here, one level at a time: cpSync's recursive mkdir would spin on procfs.
      try {
        makeDirs(options.record);
      } catch (err) {
        throw new ExitError(`--record ${options.record}: cannot create it (${(err as NodeJS.ErrnoException).code ?? 'an error'}); give a directory rollgate can create and write`, EXIT.STORE_NOT_WRITABLE);
      }
    }
    const json = options.format === 'json';
    const results: SimulationResult[] = [];
    for (const [i, spec] of specs.entries()) {
      try {
        results.push(await simulate(spec, timeline, { trace: json, ...(options.record && i === 0 ? { record: options.record } : {}) }));
      } catch (err) {
        throw new ExitError(`${options.timeline}: ${(err as Error).message}`, EXIT.INVALID);
      }
    }
    if (json) {
      const out = results.length === 1 ? results[0]!.records : { a: results[0]!.records, b: results[1]!.records };
      process.stdout.write(jsonText(out, 2) + '\n');
      return EXIT.OK;
    }
    const lines: string[] = [];
    const md = options.format === 'markdown';
    if (results.length === 1) {
      const [r] = results;
      if (md) lines.push(`### rollgate simulate: ${specs[0]!.name} on ${timeline.file}`, '', '| time | decision | phase | reason |', '| --- | --- | --- | --- |');
      else lines.push(`${specs[0]!.name} on ${timeline.file}: ${r!.checks} checks`);
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
      lines.push(`A ${specs[0]!.file} vs B ${specs[1]!.file} on ${timeline.file}: ${a.checks} checks`);
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
    process.stdout.write(textLines(lines));
    return EXIT.OK;
  });
}
