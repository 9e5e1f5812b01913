/**
 * The loop behind `rollgate run`: checks each rollout on its own cron, never two checks of one
 * rollout at once (a tick that finds the previous check still running is skipped, and said),
 * and after a pause or sleep catches up at most one missed tick. The clock is injected, so
 * tests drive it on virtual time.
 */
import type { CronSpec } from '../spec/types.js';
import { isoOf } from '../time/instant.js';
import { nextTimes, previousTime } from '../time/cron-times.js';
import { inOrder, printNow, type Print } from './in-order.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  // The abort listener goes when the sleep ends: a service sleeps thousands of times on one signal.
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface ScheduledRollout {
  name: string;
  cron: CronSpec;
  /** The last check recorded in its state (null: never checked). */
  lastCheckMs: number | null;
}

/**
 * Runs one check; resolves with its exit code. What it writes goes through `print`, which holds
 * it while earlier checks of a `once()` with several in flight are still running (a service's
 * checks print at once).
 */
export type RunOne = (name: string, nowMs: number, print: Print) => Promise<number>;

/** Wakes at least this often, so a suspended machine or a clock jump is noticed soon. */
const MAX_SLEEP_MS = 60_000;

/** When a rollout is next due: now if never checked or a tick passed since its last check. */
export function firstDue(r: ScheduledRollout, nowMs: number): number {
  if (r.lastCheckMs === null) return nowMs;
  const previous = previousTime(r.cron, nowMs);
  if (previous !== null && previous > r.lastCheckMs) return nowMs;
  return nextTimes(r.cron, nowMs, 1)[0] ?? Number.POSITIVE_INFINITY;
}

interface Entry {
  rollout: ScheduledRollout;
  due: number;
  running: Promise<void> | null;
}

export class Scheduler {
  private readonly entries: Entry[];

  constructor(
    rollouts: ScheduledRollout[],
    private readonly runOne: RunOne,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {
    const now = clock.now();
    this.entries = rollouts.map((rollout) => ({ rollout, due: firstDue(rollout, now), running: null }));
  }

  /**
   * Checks every due rollout once; resolves with the worst exit code. Up to `inFlight` checks
   * run at once (each under its own rollout's lock), and their lines come out in the order of
   * the rollouts, as if they ran one after another. A check that throws stops the run: none
   * starts after it, the ones in flight finish, and the error is thrown.
   */
  async once(inFlight = 1): Promise<number> {
    let worst = 0;
    const now = this.clock.now();
    await inOrder(this.entries.length, inFlight, async (i, print) => {
      const e = this.entries[i]!;
      if (e.due <= now) return this.runOne(e.rollout.name, now, print);
      print(() => this.log(`${e.rollout.name}: not due (next check ${isoOf(e.due)})`));
      return 0;
    }, (code) => {
      worst = Math.max(worst, code);
    });
    return worst;
  }

  /** Runs until `signal` aborts, then waits for the checks in flight. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = this.clock.now();
      for (const e of this.entries) {
        if (e.due > now) continue;
        if (e.running) {
          this.log(`${e.rollout.name}: skipped the ${isoOf(e.due)} tick: the previous check is still running`);
        } else {
          e.running = this.runOne(e.rollout.name, now, printNow)
            .then(() => undefined, (err: unknown) => this.log(`${e.rollout.name}: check failed: ${(err as Error).message}`))
            .finally(() => {
              e.running = null;
            });
        }
        // At most one catch-up: the next due tick is the first one after now.
        e.due = nextTimes(e.rollout.cron, now, 1)[0] ?? Number.POSITIVE_INFINITY;
      }
      const next = Math.min(...this.entries.map((e) => e.due));
      await this.clock.sleep(Math.min(MAX_SLEEP_MS, Math.max(0, next - this.clock.now())), signal);
    }
    await Promise.all(this.entries.map((e) => e.running));
  }
}
