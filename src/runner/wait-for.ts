/**
 * `rollgate wait`: polls a rollout's store until it reaches a phase (or a later one) or
 * completes, is rolled back, or the time runs out. Polling only reads (`load`, `history`): no
 * lock, no write, so it can run beside the evaluators for hours. With `check`, it also runs the
 * checks of the spec's `schedule` itself, as `rollgate run` does (the lock is taken then, per
 * check, and a tick another evaluator already checked is skipped).
 */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { realClock, type Clock } from '../schedule/scheduler.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { StoreError } from '../store/store-error.js';
import { nextTimes, previousTime } from '../time/cron-times.js';
import { runTickCheck } from './run-check.js';
import { DEFAULT_SCHEDULE } from './scheduled-rollout.js';

/** What to wait for: a phase of the spec (by its index: a later phase counts too), or completion. */
export type WaitTarget = { phase: string; index: number } | 'complete';

/** Something `wait` saw change: the rollout not started yet, or a record whose phase, status or decision differs from the last one shown. */
export type WaitChange = { kind: 'not-started'; atMs: number } | { kind: 'record'; record: DecisionRecord };

export type WaitOutcome =
  | { kind: 'reached'; state: RolloutState; waitedMs: number }
  | { kind: 'rolled-back'; state: RolloutState; waitedMs: number }
  | { kind: 'timed-out'; state: RolloutState | null; waitedMs: number }
  | { kind: 'stopped'; state: RolloutState | null; waitedMs: number };

export interface WaitQuery {
  root: string;
  store: string;
  target: WaitTarget;
  /** How often the store is read. */
  intervalMs: number;
  /** null: wait for ever. */
  timeoutMs: number | null;
  /** Also run the spec's scheduled checks meanwhile. */
  check: boolean;
  clock: Clock;
  /** Aborting ends the wait (after a check in flight): outcome `stopped`. */
  signal: AbortSignal;
  onChange: (change: WaitChange) => void;
  /** The log (stderr): skipped ticks, a store that could not be read and is tried again. */
  log: (line: string) => void;
}

/** The clock of `wait` and `status --watch`: the system's, with a sleep that cleans up after itself. */
export const pollClock: Clock = realClock;

/** Whether `state` ends the wait, and how. */
export function waitOutcomeOf(state: RolloutState | null, target: WaitTarget): 'reached' | 'rolled-back' | null {
  if (state === null) return null;
  if (state.status === 'rolled_back') return 'rolled-back';
  if (state.status === 'complete') return 'reached';
  if (target === 'complete') return null;
  return state.phase.index >= target.index ? 'reached' : null;
}

/** The most records read back at once (when many checks passed between two polls). */
const MAX_RECORDS_PER_POLL = 100;

const keyOf = (r: DecisionRecord) => `${r.phase.name}\u0000${r.status}\u0000${r.decision}`;

export async function waitFor(spec: Spec, query: WaitQuery): Promise<WaitOutcome> {
  const { clock, signal } = query;
  const started = clock.now();
  const deadline = query.timeoutMs === null ? Number.POSITIVE_INFINITY : started + query.timeoutMs;
  const cron = spec.schedule ?? DEFAULT_SCHEDULE;
  /** Checks already looked at (-1: nothing read yet). */
  let seenChecks = -1;
  let shownKey: string | null = null;
  let saidNotStarted = false;
  /** The tick a check was last tried for (a failed try is not repeated until the next tick). */
  let triedTick: number | undefined;

  /** The state now (the last one read when the store cannot be reached), telling each change on the way. */
  const read = async (last: RolloutState | null): Promise<RolloutState | null> => {
    const store = openStore(query.store, spec.name);
    try {
      const state = await store.load();
      if (state === null) {
        seenChecks = 0;
        shownKey = null;
        if (!saidNotStarted) query.onChange({ kind: 'not-started', atMs: clock.now() });
        saidNotStarted = true;
        return null;
      }
      const checks = state.checks;
      if (checks !== seenChecks) {
        // The first read shows where the rollout stands (its last record); later ones each new
        // record. Fewer checks than seen: the rollout's store was replaced, so it starts over.
        const fresh = seenChecks < 0 || checks < seenChecks;
        const after = fresh ? -1 : seenChecks;
        const wanted = fresh ? 1 : Math.min(checks - seenChecks, MAX_RECORDS_PER_POLL);
        // One more than wanted: a check being committed is journaled before its state is saved.
        const records = (await store.history(wanted + 1)).filter((r) => r.check > after && r.check <= checks).slice(-wanted);
        for (const record of records) {
          const key = keyOf(record);
          if (key === shownKey) continue;
          shownKey = key;
          query.onChange({ kind: 'record', record });
        }
        seenChecks = checks;
      }
      return state;
    } catch (err) {
      // A shared store that cannot be reached now may be back at the next poll; corrupt data is not.
      if (err instanceof StoreError && err.exitCode === 73) {
        query.log(`${spec.name}: ${err.message}; trying again`);
        return last;
      }
      throw err;
    } finally {
      await store.close();
    }
  };

  const waited = () => clock.now() - started;
  let state: RolloutState | null = null;
  for (;;) {
    state = await read(state);
    const ended = waitOutcomeOf(state, query.target);
    if (ended) return { kind: ended, state: state!, waitedMs: waited() };
    if (signal.aborted) return { kind: 'stopped', state, waitedMs: waited() };
    const now = clock.now();
    let wake = now + query.intervalMs;
    if (query.check) {
      // A due check runs even at the deadline: `--check --timeout 0` checks once, then answers.
      const tick = previousTime(cron, now) ?? Number.NEGATIVE_INFINITY;
      const last = state?.last_check_unix_ms ?? null;
      if ((last === null || tick > last) && tick !== triedTick) {
        triedTick = tick;
        await checkNow(spec, query, now, tick);
        continue; // read what the check did at once
      }
      wake = Math.min(wake, nextTimes(cron, now, 1)[0] ?? Number.POSITIVE_INFINITY);
    }
    if (now >= deadline) return { kind: 'timed-out', state, waitedMs: waited() };
    await clock.sleep(Math.max(0, Math.min(wake, deadline) - now), signal);
    if (signal.aborted) return { kind: 'stopped', state, waitedMs: waited() };
  }
}

/** One scheduled check (`--check`), as `rollgate run` runs it; what fails is logged, and waiting goes on. */
async function checkNow(spec: Spec, query: WaitQuery, nowMs: number, tickMs: number): Promise<void> {
  try {
    const done = await runTickCheck(spec, { root: query.root, store: query.store, nowMs }, tickMs);
    if ('skipped' in done) query.log(`${spec.name}: check skipped: ${done.skipped}`);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    query.log(`${spec.name}: check failed: ${err.message}`);
  }
}
