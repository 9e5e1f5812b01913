// Writes a synthetic Tau-format runtime-events.jsonl whose lines follow the producer's real ones:
// every valid line is a full cycle report shaped like the runtime samples of the shared
// tau-samples (fixtures/tau-samples/runtime-dashboard-healthy and -backpressure: the same keys,
// in the same order, the same lengths, ~424 bytes a healthy cycle and ~569 a failing one), the
// reason codes varying among the producer's own sets; a failure burst (the backpressure cycle,
// with case_processing_failed) 1 line in 997, and a rare invalid line as in the ops samples.
// The short hand-written lines of the demo/ops samples are not what a runtime writes; a real log
// has none, so this one has none either.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const samples = fileURLToPath(new URL('../../fixtures/tau-samples/', import.meta.url));
const sample = (name) => readFileSync(`${samples}${name}/runtime-events.jsonl`, 'utf8').trim();
/** The producer's lines the log follows: their lengths are quoted in BENCHMARKS.md. */
export const SAMPLE_LINES = {
  'runtime-dashboard-healthy': sample('runtime-dashboard-healthy'),
  'runtime-dashboard-backpressure': sample('runtime-dashboard-backpressure'),
  'runtime-custom-command-healthy': sample('runtime-custom-command-healthy'),
};

const HEALTHY = JSON.parse(SAMPLE_LINES['runtime-dashboard-healthy']);
const FAILING = JSON.parse(SAMPLE_LINES['runtime-dashboard-backpressure']);
// Healthy cycles' reason codes, from the producer's dashboard vocabulary (tau-formats §4).
const CODE_SETS = [
  ['widget_views_updated', 'control_actions_applied'],
  ['widget_views_updated'],
  ['healthy_cycle', 'duplicate_cases_skipped'],
  ['queue_backpressure_applied', 'widget_views_updated', 'control_actions_applied'],
  ['retry_attempted', 'retryable_failures_observed', 'widget_views_updated'],
];
const T0 = 1771200000000;

export function logLine(i) {
  if (i % 100_003 === 99_999) return 'invalid-json-line';
  if (i % 997 === 0) return JSON.stringify({ ...FAILING, timestamp_unix_ms: T0 + i * 5000 });
  const k = (i * 7) % 13;
  const codes = CODE_SETS[k < 6 ? 0 : k < 9 ? 1 : k < 11 ? 2 : k < 12 ? 3 : 4];
  const n = 1 + (i % 4);
  return JSON.stringify({
    ...HEALTHY, timestamp_unix_ms: T0 + i * 5000, reason_codes: codes,
    discovered_cases: n, queued_cases: n, applied_cases: n, upserted_widgets: (i % 5) + 1,
    retryable_failures: codes.includes('retryable_failures_observed') ? 1 : 0, retry_attempts: codes.includes('retry_attempted') ? 1 : 0,
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

/** How many lines of [from, to) contain case_processing_failed (what grep -c counts), and how many are invalid. */
export function expectedCounts(from, to) {
  let failed = 0;
  let invalid = 0;
  for (let i = from; i < to; i++) {
    const line = logLine(i);
    if (line.includes('case_processing_failed')) failed++;
    if (line[0] !== '{') invalid++;
  }
  return { failed, invalid };
}

export const expectedFailures = (from, to) => expectedCounts(from, to).failed;
