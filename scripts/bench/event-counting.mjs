// Issue 3's figures: counting a 2,000,000-line (~400 MB) log with wc -l, grep -c, a readline +
// JSON.parse counter and rollgate's full scan; and reading 10,000 new lines after a cursor on
// that big log versus reading a 10,000-line log whole.
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { advanceCursor } from '../../dist/observe/event-cursor.js';
import { expectedFailures, writeLog } from './generate-log.mjs';
import { fmt, timeCommand, timeFunction } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

export function eventCounting({ dir, lines, newLines, runs, minRuns = 15, log }) {
  const bigDir = join(dir, 'big');
  const smallDir = join(dir, 'small');
  mkdirSync(bigDir, { recursive: true });
  mkdirSync(smallDir, { recursive: true });
  const bigLog = join(bigDir, 'runtime-events.jsonl');

  log(`generating ${lines.toLocaleString('en')} lines…`);
  writeLog(bigLog, 0, lines - newLines);
  const cursorBefore = advanceCursor(bigDir, null).cursor; // where the previous check stopped
  writeLog(bigLog, lines - newLines, lines, 'a');
  writeLog(join(smallDir, 'runtime-events.jsonl'), 0, newLines);
  const bytes = statSync(bigLog).size;
  const failures = expectedFailures(0, lines);

  log('wc -l, grep -c, readline + JSON.parse, rollgate full scan…');
  const wc = timeCommand(['wc', '-l', bigLog], { runs });
  const grep = timeCommand(['grep', '-c', 'case_processing_failed', bigLog], { runs });
  const readline = timeCommand([process.execPath, join(here, 'readline-counter.mjs'), bigLog], { runs });
  const scan = timeCommand([process.execPath, join(here, 'rollgate-scan.mjs'), bigDir], { runs });
  const scanOut = JSON.parse(scan.stdout);
  const readlineOut = JSON.parse(readline.stdout);

  // Everyone must have counted the same thing, or the speed means nothing.
  const checks = {
    'wc -l lines': [Number(wc.stdout.trim().split(/\s+/)[0]), lines],
    'grep -c case_processing_failed': [Number(grep.stdout.trim()), failures],
    'readline case_processing_failed': [readlineOut.failed, failures],
    'rollgate case_processing_failed': [scanOut.failed, failures],
    'rollgate valid + invalid lines': [scanOut.valid + scanOut.invalid, lines],
    'rollgate invalid = readline invalid': [scanOut.invalid, readlineOut.invalid],
  };
  for (const [what, [got, want]] of Object.entries(checks)) {
    if (got !== want) throw new Error(`benchmark counts disagree: ${what} = ${got}, expected ${want}`);
  }

  log(`incremental: ${newLines.toLocaleString('en')} new lines after a cursor, versus a ${newLines.toLocaleString('en')}-line log…`);
  const incremental = timeFunction(() => advanceCursor(bigDir, cursorBefore), { runs: Math.max(runs, minRuns) });
  const small = timeFunction(() => advanceCursor(smallDir, null), { runs: Math.max(runs, minRuns) });
  if (incremental.result.read.cycles + incremental.result.read.invalid !== newLines) throw new Error('incremental read did not read exactly the new lines');

  const row = (name, s) => `| ${name} | ${fmt.ms(s.median)} | ${fmt.range(s)} | ${fmt.mbps(bytes, s.median)} | ${fmt.ratio(s.median / wc.median)} |`;
  const ratio = incremental.median / small.median;
  const scanMbps = bytes / 1e6 / (scan.median / 1000);
  const figures = { bytes, lines, scanMbps, peakRssMiB: scanOut.maxRssMiB, incrementalRatio: ratio, readlineRatio: readline.median / scan.median };
  const markdown = [
    `### Counting events in a ${lines.toLocaleString('en')}-line log (${(bytes / 1e6).toFixed(0)} MB)`,
    '',
    'Wall time of the whole process (start-up included), median of ' + runs + ' runs after a warm-up run (file in the page cache).',
    'Every tool counted the same: ' + `${lines.toLocaleString('en')} lines, ${failures.toLocaleString('en')} with case_processing_failed, ${scanOut.invalid} invalid.`,
    '',
    '| counter | median | min – max | throughput | vs `wc -l` |',
    '| --- | --- | --- | --- | --- |',
    row('`wc -l`', wc),
    row('`grep -c case_processing_failed`', grep),
    row('readline + `JSON.parse` (node)', readline),
    row('**rollgate full scan**', scan),
    '',
    `rollgate's full scan: **${scanMbps.toFixed(0)} MB/s** (scan alone, without process start: ${fmt.mbps(bytes, scanOut.scanMs)}), peak RSS **${scanOut.maxRssMiB.toFixed(0)} MiB**, ` +
      `${(readline.median / scan.median).toFixed(1)}× faster than readline + JSON.parse.`,
    '',
    `Reading ${newLines.toLocaleString('en')} new lines after a cursor at line ${(lines - newLines).toLocaleString('en')} of the big log: ` +
      `median ${fmt.ms(incremental.median)} (${fmt.range(incremental)}), versus ${fmt.ms(small.median)} (${fmt.range(small)}) for a ${newLines.toLocaleString('en')}-line log read whole: ` +
      `**${ratio.toFixed(2)}×** (median of ${incremental.runs} in-process runs).`,
  ].join('\n');
  return { markdown, figures };
}
