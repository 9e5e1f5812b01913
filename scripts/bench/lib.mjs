// Shared helpers for the benchmark suites: timing, statistics, machine facts.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function stats(ms) {
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), runs: ms.length };
}

/**
 * Runs a command `runs` times after one warm-up run; returns wall times in ms and the last stdout.
 * `before` runs untimed before each run (e.g. to restore a store); `expectExit` checks the exit
 * code (default: 0, or 0/1 for grep).
 */
export function timeCommand(argv, { runs, shell = false, input, before, expectExit } = {}) {
  const once = () => {
    before?.();
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', shell, input, maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    const ok = expectExit !== undefined ? r.status === expectExit : r.status === 0 || (argv[0] === 'grep' && r.status === 1);
    if (!ok) throw new Error(`${argv.join(' ')} exited ${r.status}${expectExit !== undefined ? `, expected ${expectExit}` : ''}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  once();
  const times = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const r = once();
    times.push(r.ms);
    stdout = r.stdout;
  }
  return { ...stats(times), stdout };
}

/**
 * Times several commands interleaved: one warm-up run of each, then `runs` rounds that run each
 * command once (the order rotating from round to round), so machine noise and CPU frequency
 * changes hit every command alike and ratios between them hold. `commands` maps a name to
 * { argv, before?, expectExit? } as timeCommand takes them (`argv` may also be a function that
 * returns the argv, called before each run, warm-up included: e.g. a --now that advances);
 * returns the stats of each name.
 */
export function timeInterleaved(commands, { runs }) {
  const names = Object.keys(commands);
  const once = (name) => {
    const { before, expectExit } = commands[name];
    const argv = typeof commands[name].argv === 'function' ? commands[name].argv() : commands[name].argv;
    before?.();
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    const ok = expectExit !== undefined ? r.status === expectExit : r.status === 0;
    if (!ok) throw new Error(`${argv.join(' ')} exited ${r.status}${expectExit !== undefined ? `, expected ${expectExit}` : ''}: ${r.stderr}`);
    return ms;
  };
  for (const name of names) once(name);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      times[name].push(once(name));
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(times[n])]));
}

/** Times an in-process function `runs` times after one warm-up. */
export function timeFunction(fn, { runs }) {
  fn();
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ...stats(times), result };
}

/** timeFunction for a function that returns a promise (each run awaited before the next). */
export async function timeAsync(fn, { runs }) {
  await fn();
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ...stats(times), result };
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? 'unknown'} (${cpu.length} cores)`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

export const fmt = {
  ms: (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`),
  range: (s) => `${fmt.ms(s.min)} – ${fmt.ms(s.max)}`,
  mbps: (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`,
  ratio: (x) => `${x.toFixed(2)}×`,
};
