/** `rollgate inspect <stateDir>`: the producer-compatible status report of one surface. */
import { statSync, type Stats } from 'node:fs';
import { collectStatusReport, transportHealthRow } from '../observe/status-report.js';
import type { SurfaceKind } from '../tau/surface-kind.js';
import { renderDiagnostics } from '../report/diagnostic.js';
import { safeLine } from '../report/escape.js';
import { INSPECT_RENDERERS, renderInspectNotes, type InspectFormat } from '../report/inspect.js';
import { describeOpenError } from '../observe/untrusted-file.js';
import { parseDuration } from '../time/duration.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { parseNow } from './parse-now.js';

export interface InspectOptions {
  surface?: SurfaceKind;
  format: InspectFormat;
  transportHealth?: boolean;
  staleAfter?: string;
  now?: string;
}

/** A problem with the state directory given, on stderr as `dir: error: …`. */
const problemWith = (stateDir: string, message: string) => emit(renderDiagnostics([{ file: stateDir, line: 0, col: 0, severity: 'error', message }]));

export async function runInspect(stateDir: string, options: InspectOptions): Promise<number> {
  let info: Stats | undefined;
  try {
    info = statSync(stateDir, { throwIfNoEntry: false });
  } catch (err) {
    // A symlink loop or a denied path: a sentence, not a stack.
    problemWith(stateDir, describeOpenError('', err).reason.trim());
    return EXIT.MISSING;
  }
  if (!info) {
    problemWith(stateDir, "no such directory; give the surface's state directory (the one holding state.json), e.g. .tau/dashboard");
    return EXIT.MISSING;
  }
  if (!info.isDirectory()) {
    problemWith(stateDir, 'this is a file; give the directory that holds state.json');
    return EXIT.USAGE;
  }
  let nowMs: number;
  let staleAfterMs: number | null = null;
  try {
    nowMs = options.now === undefined ? Date.now() : parseNow(options.now);
    if (options.staleAfter !== undefined) {
      staleAfterMs = parseDuration(options.staleAfter);
      if (staleAfterMs === null) throw new Error(`--stale-after ${options.staleAfter} is not a duration; write e.g. 15m, 90s, 1h30m`);
    }
  } catch (err) {
    process.stderr.write(safeLine(`rollgate inspect: error: ${(err as Error).message}`) + '\n');
    return EXIT.USAGE;
  }
  const report = collectStatusReport(stateDir, { ...(options.surface ? { kind: options.surface } : {}), staleAfterMs, nowMs });
  // The report, then a warning when the surface's state could not be read.
  emit([INSPECT_RENDERERS[options.format](options.transportHealth ? { transportHealth: transportHealthRow(report) } : { report }), renderInspectNotes({ stateDir, report })]);
  return EXIT.OK;
}
