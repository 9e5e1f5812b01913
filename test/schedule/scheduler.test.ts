/** The scheduler on a virtual clock: on time, no overlap, one catch-up, clean stop. */
import { describe, expect, it } from 'vitest';
import { Scheduler, type Clock, type ScheduledRollout } from '../../src/schedule/scheduler.js';

/** Virtual time: sleeping registers a timer; `advance` runs timers in order. */
class FakeClock implements Clock {
  private timers: { at: number; wake: () => void }[] = [];
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal) {
    return new Promise<void>((resolve) => {
      // As the real clock does: the abort listener goes when the sleep ends (one signal sees many sleeps).
      const onAbort = () => resolve();
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.timers.push({ at: this.t + ms, wake });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async runUntil(end: number) {
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
    this.t = end;
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const at = (hhmmss: string) => Date.parse(`2026-02-16T${hhmmss}Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const utc = (cron: string) => ({ cron, timezone: 'UTC' });

function harness(rollouts: ScheduledRollout[], start: string, durationMs: Record<string, number> = {}) {
  const clock = new FakeClock(at(start));
  const calls: string[] = [];
  const logs: string[] = [];
  const scheduler = new Scheduler(rollouts, async (name, now) => {
    calls.push(`${name}@${iso(now)}`);
    await clock.sleep(durationMs[name] ?? 1000);
    return 0;
  }, clock, (line) => logs.push(line));
  return { clock, calls, logs, scheduler };
}

describe('the scheduler', () => {
  it('checks each spec on its own schedule, the never-checked ones at once', async () => {
    const h = harness([{ name: 'a', cron: utc('*/5 * * * *'), lastCheckMs: null }, { name: 'b', cron: utc('*/10 * * * *'), lastCheckMs: at('09:00:00') }], '09:00:30');
    const stop = new AbortController();
    const done = h.scheduler.run(stop.signal);
    await h.clock.runUntil(at('09:21:00'));
    stop.abort();
    await done;
    expect(h.calls).toEqual(['a@09:00:30', 'a@09:05:00', 'a@09:10:00', 'b@09:10:00', 'a@09:15:00', 'a@09:20:00', 'b@09:20:00']);
  });

  it('skips a tick that finds the previous check of the same rollout still running, and says so', async () => {
    const h = harness([{ name: 'slow', cron: utc('*/5 * * * *'), lastCheckMs: at('09:00:00') }], '09:01:00', { slow: 7 * 60_000 });
    const stop = new AbortController();
    const done = h.scheduler.run(stop.signal);
    await h.clock.runUntil(at('09:16:00'));
    stop.abort();
    await h.clock.runUntil(at('09:23:00')); // the check in flight finishes before the stop completes
    await done;
    expect(h.calls).toEqual(['slow@09:05:00', 'slow@09:15:00']);
    expect(h.logs).toEqual(['slow: skipped the 2026-02-16T09:10:00.000Z tick: the previous check is still running']);
  });

  it('after a long sleep, catches up one missed tick, not all of them', async () => {
    const h = harness([{ name: 'a', cron: utc('*/5 * * * *'), lastCheckMs: at('06:00:00') }], '09:02:00');
    const stop = new AbortController();
    const done = h.scheduler.run(stop.signal);
    await h.clock.runUntil(at('09:06:00'));
    stop.abort();
    await done;
    expect(h.calls).toEqual(['a@09:02:00', 'a@09:05:00']);
  });

  it('a stop waits for the check in flight', async () => {
    const h = harness([{ name: 'a', cron: utc('*/5 * * * *'), lastCheckMs: null }], '09:00:00', { a: 30_000 });
    const stop = new AbortController();
    let finished = false;
    const done = h.scheduler.run(stop.signal).then(() => (finished = true));
    await settle();
    stop.abort();
    await settle();
    expect(finished).toBe(false);
    await h.clock.runUntil(at('09:00:30'));
    await done;
    expect(finished).toBe(true);
  });

  it('--once checks only the due rollouts and returns the worst exit code', async () => {
    const clock = new FakeClock(at('09:07:00'));
    const codes: Record<string, number> = { a: 1, b: 2, c: 0 };
    const seen: string[] = [];
    const logs: string[] = [];
    const scheduler = new Scheduler([
      { name: 'a', cron: utc('*/5 * * * *'), lastCheckMs: at('09:00:00') }, // a tick at 09:05 passed: due
      { name: 'b', cron: utc('*/5 * * * *'), lastCheckMs: at('09:06:00') }, // checked since: not due
      { name: 'c', cron: utc('*/5 * * * *'), lastCheckMs: null },
    ], async (name) => {
      seen.push(name);
      return codes[name]!;
    }, clock, (l) => logs.push(l));
    expect(await scheduler.once()).toBe(1);
    expect(seen).toEqual(['a', 'c']);
    expect(logs).toEqual(['b: not due (next check 2026-02-16T09:10:00.000Z)']);
  });

  it('--once with checks in flight: their lines and the not-due ones in rollout order, the worst code of all', async () => {
    const clock = new FakeClock(at('09:07:00'));
    const rollouts: ScheduledRollout[] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, cron: utc('*/5 * * * *'), lastCheckMs: name === 'c' ? at('09:06:00') : null }));
    const lines: string[] = [];
    let running = 0;
    let most = 0;
    // a is the slowest: the others finish first, and their lines wait for a's.
    const delay: Record<string, number> = { a: 30, b: 1, d: 5, e: 0 };
    const codes: Record<string, number> = { a: 0, b: 2, d: 1, e: 75 };
    const scheduler = new Scheduler(rollouts, async (name, _now, print) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, delay[name]));
      print(() => lines.push(`checked ${name}`));
      running--;
      return codes[name]!;
    }, clock, (l) => lines.push(l));
    expect(await scheduler.once(3)).toBe(75);
    expect(lines).toEqual(['checked a', 'checked b', 'c: not due (next check 2026-02-16T09:10:00.000Z)', 'checked d', 'checked e']);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });

  it('--once: a check that throws stops the run after the checks in flight, and the error comes out', async () => {
    const clock = new FakeClock(at('09:07:00'));
    const rollouts: ScheduledRollout[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, cron: utc('*/5 * * * *'), lastCheckMs: null }));
    const seen: string[] = [];
    const lines: string[] = [];
    const scheduler = new Scheduler(rollouts, async (name, _now, print) => {
      seen.push(name);
      await new Promise((r) => setTimeout(r, name === 'a' ? 20 : 0));
      if (name === 'b') throw new Error('b broke');
      print(() => lines.push(`checked ${name}`));
      return 0;
    }, clock, (l) => lines.push(l));
    await expect(scheduler.once(3)).rejects.toThrow('b broke');
    expect(seen).toEqual(['a', 'b', 'c']); // d, e and f never started
    expect(lines).toEqual(['checked a', 'checked c']);
  });
});
