/**
 * `rollgate wait <spec> --for phase=NAME|complete`: blocks (a CI deploy job) until the rollout
 * reaches the phase or a later one, or completes (0), is rolled back (2), or --timeout passes
 * (3). Reads the store only, unless --check runs the spec's scheduled checks too.
 */
import { safeLine } from '../report/escape.js';
import { targetText, WAIT_EXIT, WAIT_RENDERERS, type WaitFormat } from '../report/wait.js';
import { DEFAULT_SCHEDULE } from '../runner/scheduled-rollout.js';
import { pollClock, waitFor, type WaitTarget } from '../runner/wait-for.js';
import { closest, didYouMean } from '../spec/suggest.js';
import type { Spec } from '../spec/types.js';
import { parseDuration } from '../time/duration.js';
import { isoOf } from '../time/instant.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface WaitCliOptions extends Omit<PlaceOptions, 'now'> {
  for: string;
  timeout?: string;
  interval: string;
  check?: boolean;
  format: WaitFormat;
}

export const DEFAULT_WAIT_INTERVAL = '10s';

/** `--for` read against the spec: 64 with the phases (and a did-you-mean) for anything else. */
export function parseTarget(value: string, spec: Spec): WaitTarget {
  const phases = spec.phases.map((p) => p.name);
  if (value === 'complete') return 'complete';
  const m = /^phase=(.*)$/.exec(value);
  if (!m) {
    const key = /^([^=]*)=(.*)$/.exec(value);
    const hint = key ? (closest(key[1]!, ['phase']) ? `; did you mean \`phase=${key[2]}\`?` : '') : didYouMean(value, ['complete']);
    throw new ExitError(`--for ${value}: give phase=NAME (${phases.join(', ')}) or complete${hint}`, EXIT.USAGE);
  }
  const name = m[1]!;
  const index = phases.indexOf(name);
  if (index < 0) throw new ExitError(`--for ${value}: ${spec.name} has no phase \`${name}\`${didYouMean(name, phases)} (its phases: ${phases.join(', ')})`, EXIT.USAGE);
  return { phase: name, index };
}

/** A duration option: 64 unless it is one (and, where `positive`, above 0). */
export function durationOption(option: string, value: string, positive: boolean): number {
  const ms = parseDuration(value);
  if (ms === null || (positive && ms === 0)) throw new ExitError(`${option} ${value}: give a duration${positive ? ' above 0' : ''}, e.g. 500ms, 10s, 5m, 2h or 1h30m`, EXIT.USAGE);
  return ms;
}

export function runWait(specFile: string, options: WaitCliOptions): Promise<number> {
  return withExitCodes('wait', async () => {
    const spec = loadSpecOrExit(specFile);
    const { root, store } = placeOf(options);
    const target = parseTarget(options.for, spec);
    const intervalMs = durationOption('--interval', options.interval ?? DEFAULT_WAIT_INTERVAL, true);
    const timeoutMs = options.timeout === undefined ? null : durationOption('--timeout', options.timeout, false);

    const log = (line: string) => process.stderr.write(safeLine(`${isoOf(pollClock.now())} ${line}`) + '\n');
    const stop = new AbortController();
    let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
    const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
      stoppedBy ??= signal;
      stop.abort();
    };
    const onInt = onSignal('SIGINT');
    const onTerm = onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      if (options.check) {
        const cron = spec.schedule ?? DEFAULT_SCHEDULE;
        log(`${spec.name}: checking on its schedule (${cron.cron} ${cron.timezone}) while waiting for ${targetText(target)}`);
      }
      const outcome = await waitFor(spec, {
        root, store, target, intervalMs, timeoutMs, check: options.check === true, clock: pollClock, signal: stop.signal, log,
        onChange: (change) => emit(WAIT_RENDERERS[options.format]({ rollout: spec.name, change })),
      });
      // Stopped by a signal: quietly, with 128 + the signal's number (the wait did not succeed).
      if (outcome.kind === 'stopped') return WAIT_EXIT[stoppedBy ?? 'SIGTERM'];
      emit(WAIT_RENDERERS[options.format]({ rollout: spec.name, outcome, target, timeoutMs }));
      return WAIT_EXIT[outcome.kind];
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  });
}
