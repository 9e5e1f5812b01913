/** Recent cycle reports of a surface, read from the end of its event log (tau-formats §3). */
import { join } from 'node:path';
import { parseCycleLine } from '../observe/cycle-line.js';
import { EVENTS_LOG } from '../tau/files.js';
import { tailLines } from '../store/tail-lines.js';

const TAIL_BYTES = 256 * 1024;

export interface CycleReport {
  timestamp_unix_ms: number;
  health_state: string;
  /** The backlog after the cycle: the queue depth the snapshot reports. */
  queue_depth: number;
  queued_cases: number;
  failed_cases: number;
  reason_codes: string[];
}

export interface SurfaceTimeline {
  reports: CycleReport[];
  /** Reason-code counts over the reports shown. */
  reason_codes: Record<string, number>;
  invalid_lines: number;
}

export function recentCycles(stateDir: string, limit = 60): SurfaceTimeline {
  const lines = tailLines(join(stateDir, EVENTS_LOG), TAIL_BYTES);
  const out: SurfaceTimeline = { reports: [], reason_codes: {}, invalid_lines: 0 };
  for (const line of lines.slice(-limit)) {
    const parsed = parseCycleLine(line);
    if (parsed.kind === 'blank') continue;
    if (parsed.kind === 'invalid') {
      out.invalid_lines++;
      continue;
    }
    // Valid per the reference reading; the numeric fields are optional and read leniently.
    const raw = JSON.parse(line) as Record<string, unknown>;
    const num = (k: string) => (typeof raw[k] === 'number' ? (raw[k] as number) : 0);
    out.reports.push({
      timestamp_unix_ms: num('timestamp_unix_ms'),
      health_state: typeof raw.health_state === 'string' ? raw.health_state : 'unknown',
      queue_depth: num('backlog_cases'),
      queued_cases: num('queued_cases'),
      failed_cases: num('failed_cases'),
      reason_codes: parsed.codes,
    });
    for (const code of parsed.codes) out.reason_codes[code] = (out.reason_codes[code] ?? 0) + 1;
  }
  return out;
}
