// Issue 20's figures ("scan near the limit"): rollgate's first evaluate over a big
// runtime-events.jsonl against a Node byte-scan ceiling (large blocks, Buffer.indexOf(10)) and
// `grep -c case_processing_failed`, all interleaved in the same run (A, B, C, A, B, C…), plus the
// peak RSS of the first evaluate (/usr/bin/time -v) and an incremental check (10,000 new lines
// after a cursor) against a first check of a 10,000-line log.
//
//   node scripts/bench/scan-limit.mjs [--dir /tmp/scan-limit] [--lines 2000000] [--runs 5] [--keep]
//     [--old-bundle path/to/rollgate.cjs]   also times another build's bundle (A/B, interleaved)
//
// The log mixes the shared samples' line lengths: full runtime cycle reports (~430 bytes), the
// gateway's (~210) and the demo producers' minimal lines (~100), ~320 bytes a line on average,
// a failure now and then and a rare invalid line.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

/** lib.mjs's timeInterleaved, keeping each round's times (ratios per round): A, B, C, B, C, A… */
function timeInterleaved(commands, { runs }) {
  const names = Object.keys(commands);
  const once = (name) => {
    const { argv, before } = commands[name];
    before?.();
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  for (const name of names) once(name);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (let j = 0; j < names.length; j++) {
    const name = names[(i + j) % names.length];
    times[name][i] = once(name);
  };
  return Object.fromEntries(names.map((n) => [n, { times: times[n], median: median(times[n]), min: Math.min(...times[n]), max: Math.max(...times[n]) }]));
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const dir = opt('dir', '/tmp/scan-limit');
const lines = Number(opt('lines', 2_000_000));
const newLines = 10_000;
const runs = Number(opt('runs', 5));
const NOW = '2026-02-16T00:10:00Z';

const CODE_SETS = [
  ['widget_views_updated', 'control_actions_applied'],
  ['healthy_cycle'],
  ['duplicate_cases_skipped', 'retry_attempted', 'retryable_failures_observed'],
  ['queue_backpressure_applied', 'widget_views_updated'],
];

export function mixedLine(i) {
  if (i % 100_003 === 99_999) return 'invalid-json-line';
  const failing = i % 997 === 0;
  const k = (i * 7) % 13;
  const codes = failing ? ['retry_attempted', 'case_processing_failed'] : CODE_SETS[k < 6 ? 0 : k < 10 ? 1 : k < 12 ? 2 : 3];
  const reason = failing ? 'recent transport failures observed (failure_streak=1, last_cycle_failed=1)' : 'no recent transport failures observed';
  const kind = i % 20; // 12/20 full runtime reports, 3/20 gateway, 5/20 demo
  if (kind >= 15) return JSON.stringify({ reason_codes: codes, health_reason: reason });
  if (kind >= 12) {
    return JSON.stringify({ timestamp_unix_ms: 1771200000000 + i * 5000, health_state: failing ? 'degraded' : 'healthy', health_reason: reason, reason_codes: codes, discovered_cases: 1, queued_cases: 1, backlog_cases: 0, applied_cases: 1, failed_cases: failing ? 1 : 0 });
  }
  return JSON.stringify({
    timestamp_unix_ms: 1771200000000 + i * 5000, health_state: failing ? 'degraded' : 'healthy', health_reason: reason,
    reason_codes: codes, discovered_cases: 3, queued_cases: 3, applied_cases: failing ? 2 : 3, duplicate_skips: 0, malformed_cases: 0,
    retryable_failures: failing ? 1 : 0, retry_attempts: failing ? 1 : 0, failed_cases: failing ? 1 : 0, upserted_widgets: 2,
    control_actions_applied: 1, backlog_cases: 0, failure_streak: failing ? 1 : 0,
  });
}

function writeMixed(path, from, to, flags = 'w') {
  const fd = openSync(path, flags);
  let buf = '';
  for (let i = from; i < to; i++) {
    buf += mixedLine(i) + '\n';
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
}

const SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: bench }
surfaces:
  big: { stateDir: big, kind: dashboard }
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - name: clean
        rule:
          and:
            - { "==": [ { var: surfaces.big.events.total.case_processing_failed }, 0 ] }
            - { "==": [ { var: surfaces.big.health.failure_streak }, 0 ] }
  - name: general-availability
    traffic: 100
    soak: 0
`;

/** The ceiling: a Node loop reading the file in 4 MiB blocks, counting newlines with indexOf. */
const CEILING = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(4<<20);let n=0,r;
while((r=fs.readSync(fd,b,0,b.length,null))>0){for(let p=b.indexOf(10,0);p!==-1&&p<r;p=b.indexOf(10,p+1))n++;}console.log(n);`;

function setUp(at, count) {
  mkdirSync(join(at, 'big'), { recursive: true });
  writeFileSync(join(at, 'bench.yaml'), SPEC);
  writeFileSync(join(at, 'big/state.json'), JSON.stringify({ schema_version: 1, widget_views: [], control_audit: [], processed_case_keys: [], health: { updated_unix_ms: Date.parse('2026-02-16T00:05:00Z'), queue_depth: 0, failure_streak: 0, last_cycle_failed: 0 } }));
  const log = join(at, 'big/runtime-events.jsonl');
  if (!existsSync(log) || count === null) writeMixed(log, 0, count ?? lines);
  return log;
}

const oldBundle = opt('old-bundle', null);
const rollgateWith = (cli) => (at, store, now, ...more) => [process.execPath, cli, 'evaluate', join(at, 'bench.yaml'), '--root', at, '--store', store, '--now', now, ...more];
const oldRollgate = oldBundle && rollgateWith(oldBundle);
const rollgate = (at, store, now, ...more) => [process.execPath, `${root}bin/rollgate.js`, 'evaluate', join(at, 'bench.yaml'), '--root', at, '--store', store, '--now', now, ...more];
const pct = (a, b) => `${((100 * a) / b).toFixed(0)}%`;
const ratioRange = (xs, ys) => {
  const r = xs.map((x, i) => x / ys[i]);
  return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}`;
};

const big = join(dir, 'eval');
const bigLog = setUp(big, undefined);
const bytes = statSync(bigLog).size;
const failures = Number(spawnSync('grep', ['-c', 'case_processing_failed', bigLog], { encoding: 'utf8' }).stdout.trim());
console.log(`log: ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB, ${failures} with case_processing_failed`);

// Counts must agree: the evaluate's record says how many case_processing_failed it counted.
const store = join(big, '.rollgate');
rmSync(store, { recursive: true, force: true });
const rec = spawnSync(rollgate(big, store, NOW, '--dry-run', '--format', 'json')[0], rollgate(big, store, NOW, '--dry-run', '--format', 'json').slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
const counted = JSON.stringify(rec.stdout).match(/case_processing_failed[^0-9]{0,12}(\d+)/);
console.log(`evaluate exit ${rec.status}; case_processing_failed in its record: ${counted ? counted[1] : '?'}`);

const res = timeInterleaved(
  {
    ceiling: { argv: [process.execPath, '-e', CEILING, bigLog] },
    grep: { argv: ['grep', '-c', 'case_processing_failed', bigLog] },
    first: { argv: rollgate(big, store, NOW, '--dry-run'), before: () => rmSync(store, { recursive: true, force: true }) },
    ...(oldRollgate ? { old: { argv: oldRollgate(big, store, NOW, '--dry-run'), before: () => rmSync(store, { recursive: true, force: true }) } } : {}),
  },
  { runs },
);
const med = (n) => res[n].median;
const line = (n) => `${n.padEnd(8)} median ${med(n).toFixed(0)} ms (${res[n].min.toFixed(0)}–${res[n].max.toFixed(0)}), ${(bytes / 1e6 / (med(n) / 1000)).toFixed(0)} MB/s`;
for (const n of ['ceiling', 'grep', 'first', ...(oldRollgate ? ['old'] : [])]) console.log(line(n));
if (oldRollgate) console.log(`old bundle: ${pct(med('ceiling'), med('old'))} of the ceiling, ${(med('old') / med('grep')).toFixed(2)}× grep; new/old ${(med('first') / med('old')).toFixed(2)} (per round ${ratioRange(res.first.times, res.old.times)})`);
console.log(`first evaluate: ${pct(med('ceiling'), med('first'))} of the ceiling (per round ${ratioRange(res.ceiling.times, res.first.times)}), ${(med('first') / med('grep')).toFixed(2)}× grep (per round ${ratioRange(res.first.times, res.grep.times)})`);

const rss = spawnSync('/usr/bin/time', ['-v', ...rollgate(big, store, NOW, '--dry-run')], { encoding: 'utf8', maxBuffer: 64 << 20 });
console.log(`first evaluate peak RSS: ${(Number(rss.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1]) / 1024).toFixed(0)} MiB`);

// Incremental: a check that finds 10,000 new lines after the first check's cursor, against a
// first check of a 10,000-line log.
if (!args.includes('--no-incremental')) {
  const inc = join(dir, 'inc');
  const small = join(dir, 'small');
  rmSync(inc, { recursive: true, force: true });
  const incLog = setUp(inc, lines - newLines);
  setUp(small, newLines);
  const incStore = join(inc, '.rollgate');
  const saved = join(inc, 'store-after-first');
  spawnSync(rollgate(inc, incStore, NOW)[0], rollgate(inc, incStore, NOW).slice(1));
  cpSync(incStore, saved, { recursive: true });
  const fd = openSync(incLog, 'a');
  let s = '';
  for (let i = lines - newLines; i < lines; i++) s += mixedLine(i) + '\n';
  writeSync(fd, s);
  closeSync(fd);
  const later = '2026-02-16T00:20:00Z';
  const smallStore = join(small, '.rollgate');
  const r2 = timeInterleaved(
    {
      incremental: { argv: rollgate(inc, incStore, later, '--dry-run'), before: () => { rmSync(incStore, { recursive: true, force: true }); cpSync(saved, incStore, { recursive: true }); } },
      small: { argv: rollgate(small, smallStore, later, '--dry-run'), before: () => rmSync(smallStore, { recursive: true, force: true }) },
      ...(oldRollgate ? { oldIncremental: { argv: oldRollgate(inc, incStore, later, '--dry-run'), before: () => { rmSync(incStore, { recursive: true, force: true }); cpSync(saved, incStore, { recursive: true }); } } } : {}),
    },
    { runs: Math.max(runs, 10) },
  );
  console.log(`incremental (10,000 new lines) median ${r2.incremental.median.toFixed(1)} ms (${r2.incremental.min.toFixed(1)}–${r2.incremental.max.toFixed(1)}); 10,000-line first check ${r2.small.median.toFixed(1)} ms (${r2.small.min.toFixed(1)}–${r2.small.max.toFixed(1)}); ratio ${(r2.incremental.median / r2.small.median).toFixed(2)} (per round ${ratioRange(r2.incremental.times, r2.small.times)})`);
  if (oldRollgate) console.log(`old bundle incremental median ${r2.oldIncremental.median.toFixed(1)} ms (${r2.oldIncremental.min.toFixed(1)}–${r2.oldIncremental.max.toFixed(1)}); new/old ${(r2.incremental.median / r2.oldIncremental.median).toFixed(2)} (per round ${ratioRange(r2.incremental.times, r2.oldIncremental.times)})`);
}
if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
