/** `rollgate simulate <spec> --timeline FILE [--spec-b OTHER] [--format text|json|markdown] [--record DIR]`. */
import { renderDiagnostics } from '../report/diagnostic.js';
import { terminalSafe } from '../report/escape.js';
import { simulationStream, type SimulateFormat } from '../report/simulate.js';
import { simulate } from '../simulate/simulate.js';
import { loadTimelineFile, unknownNames } from '../simulate/timeline.js';
import type { Spec } from '../spec/types.js';
import { makeDirs } from '../store/make-dirs.js';
import { emit, emitStreamed } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, withExitCodes } from './common.js';
import { keepYoungGenerationSmall } from './heap-policy.js';

export interface SimulateCliOptions {
  timeline: string;
  specB?: string;
  format: SimulateFormat;
  record?: string;
}

/**
 * `\r[api] 12,000 of 100,000 checks`, redrawn about every 1% (or every 1,000 checks); two specs
 * replayed side by side share the line: `[a] 12,000 of 100,000 checks, [b] 11,800 of 100,000 checks`.
 */
function progressLine(names: string[]): (i: number, done: number, total: number) => void {
  const shown = names.map(() => 0);
  const state = names.map(() => ({ done: 0, total: 0 }));
  return (i, done, total) => {
    state[i] = { done, total };
    const step = Math.max(1, Math.min(1000, Math.floor(total / 100)));
    if (done - shown[i]! < step && done !== total) return;
    shown[i] = done;
    const parts = names.map((name, k) => (k === i || state[k]!.total > 0 ? `[${name}] ${state[k]!.done.toLocaleString('en')} of ${state[k]!.total.toLocaleString('en')} checks` : null)).filter((p) => p !== null);
    process.stderr.write(`\r\x1b[K${terminalSafe(parts.join(', '))}`);
  };
}

export function runSimulate(specFile: string, options: SimulateCliOptions): Promise<number> {
  return withExitCodes('simulate', async () => {
    keepYoungGenerationSmall();
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
    let full: Promise<void> | null = null;
    // Streamed: each row or record is written as it is made; nothing keeps the whole history.
    const sink = simulationStream(options.format, { specs: specs.map((s) => ({ name: s.name, file: s.file })), timeline: timeline.file }, (text) => {
      full = emitStreamed(text) ?? full;
    });
    // Progress on a terminal only (stderr a TTY, text output): CI logs and JSON get the report alone.
    const progress = process.stderr.isTTY && options.format === 'text' ? progressLine(specs.map((s) => s.name)) : null;
    const replay = async (i: number) => {
      const spec = specs[i]!;
      try {
        const result = await simulate(spec, timeline, {
          trace: options.format === 'json',
          onRecord: (r) => {
            const inStep = sink.record(i, r);
            const drained = full;
            full = null;
            return inStep && drained ? Promise.all([inStep, drained]).then(() => {}) : (inStep ?? drained ?? undefined);
          },
          onChecks: (n) => sink.checks(i, n),
          ...(progress ? { onProgress: (done: number, total: number) => progress(i, done, total) } : {}),
          ...(options.record && i === 0 ? { record: options.record } : {}),
        });
        sink.end(i, result);
        if (full) await full;
      } catch (err) {
        throw new ExitError(`${options.timeline}: ${(err as Error).message}`, EXIT.INVALID);
      } finally {
        sink.stop(i);
      }
    };
    try {
      if (specs.length === 1 || options.format === 'json') {
        for (const i of specs.keys()) await replay(i);
      } else {
        // Compared instant by instant: the two replays run side by side, kept in step by the sink.
        // A's failure is the one reported when both fail, as when they ran one after the other.
        const [a, b] = await Promise.allSettled([replay(0), replay(1)]);
        if (a.status === 'rejected') throw a.reason;
        if (b.status === 'rejected') throw b.reason;
      }
    } finally {
      if (progress) process.stderr.write('\r\x1b[K');
    }
    return EXIT.OK;
  });
}
