/** `rollgate simulate <spec> --timeline FILE [--spec-b OTHER] [--format text|json|markdown] [--record DIR]`. */
import { renderDiagnostics } from '../report/diagnostic.js';
import { terminalSafe } from '../report/escape.js';
import { SIMULATE_RENDERERS, type SimulateFormat } from '../report/simulate.js';
import { simulate, type SimulationResult } from '../simulate/simulate.js';
import { loadTimelineFile, unknownNames } from '../simulate/timeline.js';
import type { Spec } from '../spec/types.js';
import { makeDirs } from '../store/make-dirs.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, withExitCodes } from './common.js';

export interface SimulateCliOptions {
  timeline: string;
  specB?: string;
  format: SimulateFormat;
  record?: string;
}

/** `\r[api] 12,000 of 100,000 checks`, redrawn about every 1% (or every 1,000 checks). */
function progressLine(name: string): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    const step = Math.max(1, Math.min(1000, Math.floor(total / 100)));
    if (done - shown < step && done !== total) return;
    shown = done;
    process.stderr.write(`\r\x1b[K${terminalSafe(`[${name}] ${done.toLocaleString('en')} of ${total.toLocaleString('en')} checks`)}`);
  };
}

export function runSimulate(specFile: string, options: SimulateCliOptions): Promise<number> {
  return withExitCodes('simulate', async () => {
    const loaded = loadTimelineFile(options.timeline);
    emit(renderDiagnostics(loaded.diagnostics));
    if (!loaded.timeline) throw new ExitError(`${options.timeline}: the timeline is ${loaded.diagnostics.some((d) => d.code === 'missing-file') ? 'missing' : 'invalid'}`, loaded.diagnostics.some((d) => d.code === 'missing-file') ? EXIT.MISSING : EXIT.INVALID);
    const timeline = loaded.timeline;
    const specs: Spec[] = [loadSpecOrExit(specFile)];
    if (options.specB) specs.push(loadSpecOrExit(options.specB));
    for (const spec of specs) {
      const unknown = unknownNames(timeline, spec);
      emit(renderDiagnostics(unknown.map((u) => ({ file: timeline.file, line: 0, col: 0, severity: 'error' as const, message: `${u.path.join('.')}: ${u.message}` }))));
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
    const results: SimulationResult[] = [];
    // Progress on a terminal only (stderr a TTY, text output): CI logs and JSON get the report alone.
    const progress = process.stderr.isTTY && options.format === 'text';
    for (const [i, spec] of specs.entries()) {
      const onProgress = progress ? progressLine(spec.name) : undefined;
      try {
        results.push(await simulate(spec, timeline, { trace: options.format === 'json', ...(onProgress ? { onProgress } : {}), ...(options.record && i === 0 ? { record: options.record } : {}) }));
      } catch (err) {
        throw new ExitError(`${options.timeline}: ${(err as Error).message}`, EXIT.INVALID);
      } finally {
        if (progress) process.stderr.write('\r\x1b[K');
      }
    }
    emit(SIMULATE_RENDERERS[options.format]({ specs: specs.map((s) => ({ name: s.name, file: s.file })), timeline: timeline.file, results }));
    return EXIT.OK;
  });
}
