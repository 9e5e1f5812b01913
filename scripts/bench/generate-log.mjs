// Writes a synthetic Tau-format runtime-events.jsonl: full cycle reports as a real runtime
// writes them mixed with the minimal lines demo producers write (~200 bytes a line on
// average), a failure burst now and then, and a rare invalid line.
import { closeSync, openSync, writeSync } from 'node:fs';

const CODE_SETS = [
  ['widget_views_updated', 'control_actions_applied'],
  ['healthy_cycle'],
  ['duplicate_cases_skipped', 'retry_attempted', 'retryable_failures_observed'],
  ['queue_backpressure_applied', 'widget_views_updated'],
];

export function logLine(i) {
  if (i % 100_003 === 99_999) return 'invalid-json-line';
  const failing = i % 997 === 0;
  const codes = failing ? ['retry_attempted', 'case_processing_failed'] : CODE_SETS[(i * 7) % 13 < 6 ? 0 : (i * 7) % 13 < 10 ? 1 : (i * 7) % 13 < 12 ? 2 : 3];
  if (i % 3 !== 0) {
    return JSON.stringify({ reason_codes: codes, health_reason: failing ? 'recent transport failures observed (failure_streak=1, last_cycle_failed=1)' : 'no recent transport failures observed' });
  }
  return JSON.stringify({
    timestamp_unix_ms: 1771200000000 + i * 5000, health_state: failing ? 'degraded' : 'healthy',
    health_reason: failing ? 'recent transport failures observed (failure_streak=1, last_cycle_failed=1)' : 'no recent transport failures observed',
    reason_codes: codes, discovered_cases: 3, queued_cases: 3, applied_cases: failing ? 2 : 3, duplicate_skips: 0, malformed_cases: 0,
    retryable_failures: failing ? 1 : 0, retry_attempts: failing ? 1 : 0, failed_cases: failing ? 1 : 0, upserted_widgets: 2,
    control_actions_applied: 1, backlog_cases: 0, failure_streak: failing ? 1 : 0,
  });
}

/** Appends lines [from, to) to path; returns the bytes written. */
export function writeLog(path, from, to, flags = 'w') {
  const fd = openSync(path, flags);
  let bytes = 0;
  let buf = '';
  for (let i = from; i < to; i++) {
    buf += logLine(i) + '\n';
    if (buf.length > 1 << 20) {
      bytes += writeSync(fd, buf);
      buf = '';
    }
  }
  bytes += writeSync(fd, buf);
  closeSync(fd);
  return bytes;
}

/** How many lines of [from, to) contain case_processing_failed (what grep -c counts). */
export function expectedFailures(from, to) {
  let n = 0;
  for (let i = from; i < to; i++) if (logLine(i).includes('case_processing_failed')) n++;
  return n;
}
