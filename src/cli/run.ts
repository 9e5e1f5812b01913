/** `rollgate run <spec...> [--once]`: check every spec on its schedule, from cron or as a service. */
import { safeLine } from '../report/escape.js';
import { RUN_RENDERERS, type RunFormat } from '../report/run.js';
import { runTickCheck } from '../runner/run-check.js';
import { previousTime } from '../time/cron-times.js';
import { parseNow } from './parse-now.js';
import { isoOf } from '../time/instant.js';
import { DEFAULT_SCHEDULE, scheduledRollout } from '../runner/scheduled-rollout.js';
import { printNow, type Print } from '../schedule/in-order.js';
import { realClock, Scheduler, type ScheduledRollout } from '../schedule/scheduler.js';
import { shareRules } from '../spec/share-rules.js';
import type { Spec } from '../spec/types.js';
import { widenThreadPool } from '../store/async-fs.js';
import { StoreError } from '../store/store-error.js';
import { emit } from './emit.js';
import { EXIT, EXIT_OF, noFail, VERDICTS } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';
import { expandSpecPaths } from './spec-paths.js';
import { keepYoungGenerationSmall } from './heap-policy.js';

/**
 * How many rollouts `run --once` checks at a time. A check of a small rollout mostly waits for
 * its commit's fsyncs; with several in flight those waits overlap (on libuv's thread pool) with
 * one another and with the next checks' work. Each check still holds its own rollout's lock and
 * commits as it does alone, and the lines come out in spec order.
 */
export const ONCE_IN_FLIGHT = 8;
/** A thread-pool thread per check in flight: each may be waiting on its own fsync (store/async-fs.ts). */
const ONCE_THREADS = ONCE_IN_FLIGHT;

export interface RunOptions extends Omit<PlaceOptions, 'now'> {
  once?: boolean;
  /** With --once: check as if the clock said this (replays, tests, a catch-up after an outage). */
  now?: string;
  format: RunFormat;
  /** With --once: exit 0 on holds and rollbacks too; store and usage errors still fail. */
  noFail?: boolean;
  /** commander's spelling of `--no-fail` (false when given). */
  fail?: boolean;
}

export function runScheduler(specFiles: string[], options: RunOptions): Promise<number> {
  return withExitCodes('run', async () => {
    if (options.once) widenThreadPool(ONCE_THREADS);
    // Thousands of checks, each a little garbage that outlives a scavenge while its commit is in
    // flight: without this the young generation doubled to 32 MiB and stayed (peak RSS 1.5× from
    // 500 rollouts to 5,000).
    keepYoungGenerationSmall();
    const { root, store } = placeOf(options);
    const specs = new Map<string, { file: string; spec: Spec }>();
    // A directory stands for its specs, as for validate; `specs/*.yaml` also matches the
    // *.test.yaml files beside them, which are test cases, not rollouts.
    const { files, emptyDirs } = expandSpecPaths(specFiles);
    if (emptyDirs.length > 0) throw new ExitError(`${emptyDirs.join(', ')}: no *.yaml spec in it`, EXIT.MISSING);
    /** A log line, stamped now; written through `print` (a check in flight holds its lines until its turn). */
    const log = (line: string, print: Print = printNow) => {
      const stamped = `${isoOf(realClock.now())} ${line}`;
      print(() => process.stderr.write(safeLine(stamped) + '\n'));
    };
    for (const file of files) {
      if (/\.test\.ya?ml$/i.test(file)) {
        log(`${file}: a test file (rollgate test), not a spec; not run`);
        continue;
      }
      // Thousands of specs may wait here for their checks: equal rules are held once.
      const spec = shareRules(loadSpecOrExit(file));
      if (specs.has(spec.name)) throw new ExitError(`${file} and ${specs.get(spec.name)!.file} are both rollout \`${spec.name}\`; each rollout runs once`, EXIT.USAGE);
      specs.set(spec.name, { file, spec });
    }
    const rollouts: ScheduledRollout[] = [];
    for (const { spec } of specs.values()) {
      if (!spec.schedule) log(`${spec.name}: no \`schedule\` in the spec; checking every 5 minutes (UTC)`);
      rollouts.push(await scheduledRollout(spec, store));
    }

    const runOne = async (name: string, nowMs: number, print: Print): Promise<number> => {
      const entry = specs.get(name)!;
      // A service re-reads the spec at every check, so an edit applies without a restart (an
      // invalid one is skipped); --once read it a moment ago.
      let spec = entry.spec;
      // --once checks each rollout once: its spec need not be held any longer.
      if (options.once) specs.delete(name);
      else {
        try {
          spec = shareRules(loadSpecOrExit(entry.file));
          entry.spec = spec;
        } catch (err) {
          log(`${name}: ${(err as Error).message}; checking with the last valid spec`, print);
        }
      }
      try {
        const tick = previousTime(spec.schedule ?? DEFAULT_SCHEDULE, nowMs) ?? Number.NEGATIVE_INFINITY;
        const done = await runTickCheck(spec, { root, store, nowMs }, tick);
        if ('skipped' in done) {
          log(`${name}: skipped: ${done.skipped}`, print);
          return EXIT.OK;
        }
        const { record } = done;
        const rendered = RUN_RENDERERS[options.format]({ name, nowMs, record });
        print(() => emit(rendered));
        return EXIT_OF[record.decision];
      } catch (err) {
        if (err instanceof StoreError) {
          log(`${name}: ${err.message}`, print);
          return err.exitCode;
        }
        throw err;
      }
    };

    if (options.now !== undefined && !options.once) throw new ExitError('--now goes with --once (a service runs on the clock)', EXIT.USAGE);
    let clock = realClock;
    if (options.now !== undefined) {
      let fixed: number;
      try {
        fixed = parseNow(options.now);
      } catch (err) {
        throw new ExitError((err as Error).message, EXIT.USAGE);
      }
      clock = { ...realClock, now: () => fixed };
    }
    const scheduler = new Scheduler(rollouts, runOne, clock, (line) => log(line));
    if (options.once) {
      const worst = await scheduler.once(ONCE_IN_FLIGHT);
      return (options.noFail ?? options.fail === false) ? noFail(worst, VERDICTS.run) : worst;
    }
    if (options.noFail ?? options.fail === false) throw new ExitError('--no-fail goes with --once (a service has no exit code to soften)', EXIT.USAGE);

    const stop = new AbortController();
    const onSignal = (signal: string) => {
      if (!stop.signal.aborted) log(`${signal}: finishing the checks in flight, then stopping`);
      stop.abort();
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    log(`checking ${rollouts.map((r) => `${r.name} (${r.cron.cron} ${r.cron.timezone})`).join(', ')}; stop with Ctrl-C or SIGTERM`);
    await scheduler.run(stop.signal);
    log('stopped');
    return EXIT.OK;
  });
}
