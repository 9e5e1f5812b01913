// Shared helpers for the benchmark suites: timing, statistics, machine facts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function stats(ms) {
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), runs: ms.length };
}

/**
 * Times several commands interleaved: a warm-up run of each (unless `warmup: false`), then rounds
 * that run each command once (the order rotating from round to round), so machine noise and CPU
 * frequency changes hit every command alike and ratios between them hold. `commands` maps a name
 * to { argv, before?, expectExit?, check? } (`argv` may also be a function that returns the argv,
 * called before each run, warm-up included: e.g. a --now that advances; `check(stdout)` throws if
 * the output is wrong). The number of rounds adapts to the time it takes: at least `minRuns`
 * (default `runs`, or 1) while the section's `budgetMs` lasts, at most `maxRuns` (default `runs`),
 * and never fewer than one. With `rss: true` every command runs under `/usr/bin/time -f %M`
 * (all alike, so the ratios stay fair) and its stats carry the peak RSS in MiB.
 * Returns the stats of each name, each with `times` (ms, one per round) and, when `baseline`
 * names a command, `ratio`: the stats of the per-round ratios command / baseline (each pair
 * measured in the same round, seconds apart), with `spread` = max / min of those ratios.
 */
export function timeInterleaved(commands, { runs, minRuns, maxRuns, budgetMs = Infinity, warmup = true, baseline, rss = false } = {}) {
  const names = Object.keys(commands);
  const floor = Math.max(1, minRuns ?? runs ?? 1);
  const ceiling = Math.max(floor, maxRuns ?? runs ?? floor);
  const rssFile = rss ? join(tmpdir(), `rollgate-bench-rss-${process.pid}`) : null;
  const once = (name) => {
    const { before, expectExit, check } = commands[name];
    let argv = typeof commands[name].argv === 'function' ? commands[name].argv() : commands[name].argv;
    if (rss) argv = [TIME, '-f', '%M', '-o', rssFile, ...argv];
    before?.();
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20 });
    const ms = performance.now() - t0;
    const ok = expectExit !== undefined ? r.status === expectExit : r.status === 0;
    if (!ok) throw new Error(`${argv.join(' ')} exited ${r.status}${expectExit !== undefined ? `, expected ${expectExit}` : ''}: ${r.stderr}`);
    check?.(r.stdout);
    const rssMiB = rss ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined;
    return { ms, rssMiB };
  };
  const started = performance.now();
  if (warmup) for (const name of names) once(name);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const rssOf = Object.fromEntries(names.map((n) => [n, []]));
  let round = 0;
  for (;;) {
    const t0 = performance.now();
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length];
      const r = once(name);
      times[name].push(r.ms);
      if (rss) rssOf[name].push(r.rssMiB);
    }
    round++;
    const roundMs = performance.now() - t0;
    if (round >= ceiling) break;
    // Another round only if it fits in what is left of the budget (the floor fits by definition).
    if (round >= floor && performance.now() - started + roundMs > budgetMs) break;
    if (round < floor && performance.now() - started + roundMs > 2 * budgetMs) break; // a machine far too slow: stop anyway
  }
  if (rssFile) rmSync(rssFile, { force: true });
  return Object.fromEntries(names.map((n) => {
    const s = { ...stats(times[n]), times: times[n] };
    if (rss) s.rssMiB = Math.max(...rssOf[n]);
    if (baseline && n !== baseline) s.ratio = ratioStats(times[n], times[baseline]);
    return [n, s];
  }));
}

const TIME = '/usr/bin/time';
/** Whether GNU time is there to measure peak RSS (`/usr/bin/time -f %M`). */
export const canMeasureRss = () => existsSync(TIME);

/** The stats of the ratios a[i] / b[i] of pairs measured in the same round, and their spread (max / min). */
export function ratioStats(a, b) {
  const rs = a.map((x, i) => x / b[i]);
  const s = stats(rs);
  return { ...s, spread: s.max / s.min };
}

/** The spread above which a ratio is too noisy to trust (max / min of its rounds' ratios). */
export const NOISY_SPREAD = 1.5;

/**
 * Shares a total time budget among the sections still to run, in proportion to their weights:
 * a section that ran long leaves less to the next ones, so the whole bench ends in time.
 */
export class Budget {
  constructor(totalMs, weights) {
    this.deadline = performance.now() + totalMs;
    this.weights = { ...weights };
  }
  /** The budget of section `name` (ms), from now. */
  take(name) {
    const rest = Object.values(this.weights).reduce((a, b) => a + b, 0);
    const share = this.weights[name] / rest;
    delete this.weights[name];
    return Math.max(0, (this.deadline - performance.now()) * share);
  }
  get leftMs() {
    return this.deadline - performance.now();
  }
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? 'unknown'} (${cpu.length} cores)`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    load: loadavg().map((x) => x.toFixed(2)).join(', '),
    date: new Date().toISOString().slice(0, 10),
  };
}

export const fmt = {
  ms: (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`),
  range: (s) => `${fmt.ms(s.min)} – ${fmt.ms(s.max)}`,
  mbps: (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`,
  ratio: (x) => `${x.toFixed(2)}×`,
  /** median (min – max) of a stats object, each formatted by f */
  spread: (s, f = fmt.ms) => `${f(s.median)} (${f(s.min)} – ${f(s.max)})`,
  int: (x) => Math.round(x).toLocaleString('en'),
  mib: (x) => `${x.toFixed(0)} MiB`,
};
