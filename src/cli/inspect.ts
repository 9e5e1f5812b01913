/** `rollgate inspect <stateDir>`: the producer-compatible status report of one surface. */
import { statSync, type Stats } from 'node:fs';
import { collectStatusReport, transportHealthRow } from '../observe/status-report.js';
import type { SurfaceKind } from '../tau/surface-kind.js';
import { jsonText, safeLine } from '../report/escape.js';
import { describeOpenError } from '../observe/untrusted-file.js';
import { keyValueLine } from '../report/key-value-line.js';
import { parseDuration } from '../time/duration.js';
import { EXIT } from './exit-codes.js';
import { parseNow } from './parse-now.js';

export interface InspectOptions {
  surface?: SurfaceKind;
  format: 'text' | 'json';
  transportHealth?: boolean;
  staleAfter?: string;
  now?: string;
}

export async function runInspect(stateDir: string, options: InspectOptions): Promise<number> {
  let info: Stats | undefined;
  try {
    info = statSync(stateDir, { throwIfNoEntry: false });
  } catch (err) {
    // A symlink loop or a denied path: a sentence, not a stack.
    process.stderr.write(safeLine(`${stateDir}: error: ${describeOpenError('', err).reason.trim()}`) + '\n');
    return EXIT.MISSING;
  }
  if (!info) {
    process.stderr.write(safeLine(`${stateDir}: error: no such directory; give the surface's state directory (the one holding state.json), e.g. .tau/dashboard`) + '\n');
    return EXIT.MISSING;
  }
  if (!info.isDirectory()) {
    process.stderr.write(safeLine(`${stateDir}: error: this is a file; give the directory that holds state.json`) + '\n');
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
  if (options.transportHealth) {
    const row = transportHealthRow(report);
    process.stdout.write(options.format === 'json'
      ? jsonText([row], 2) + '\n'
      : keyValueLine('', { transport: row.transport, target: row.target, state_path: row.state_path, ...(row.health as object) }) + '\n');
  } else {
    process.stdout.write(options.format === 'json'
      ? jsonText(report, 2) + '\n'
      : keyValueLine(`${String(report.surface_kind)} status inspect: `, report) + '\n');
  }
  for (const note of report.state_present ? [] : [`state unavailable: ${String(report.state_error)}`]) {
    process.stderr.write(safeLine(`${stateDir}: warning: ${note}`) + '\n');
  }
  return EXIT.OK;
}
