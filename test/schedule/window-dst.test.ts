/**
 * Promotion windows minute by minute across the 2026 daylight-saving days, against an oracle
 * that shares no code with the window: Intl's local fields for each instant, matched by hand.
 * Convention (docs/time-and-store.md): the window is open in every minute whose local wall-clock
 * time matches, so a nonexistent local hour is never open and a repeated one is open twice.
 */
import { describe, expect, it } from 'vitest';
import { windowStatus } from '../../src/time/promotion-window.js';

const MIN = 60_000;
const DAYS: [string, string][] = [
  ['Europe/Berlin', '2026-03-29'],
  ['Europe/Berlin', '2026-10-25'],
  ['America/New_York', '2026-03-08'],
  ['America/New_York', '2026-11-01'],
];
const CRONS = ['* 2 * * *', '* 9-16 * * 1-5', '30 1 * * *', '* * * * *'];

const formats = new Map<string, Intl.DateTimeFormat>();
function local(ms: number, timezone: string) {
  let f = formats.get(timezone);
  if (!f) formats.set(timezone, (f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!) };
}

/** Only what the crons above use: `*`, `n`, `a-b` (day of month and month are `*` in all of them). */
function field(spec: string, value: number): boolean {
  if (spec === '*') return true;
  const [a, b] = spec.split('-').map(Number);
  return value >= a! && value <= (b ?? a!);
}
function oracleOpen(cron: string, ms: number, timezone: string): boolean {
  const [minute, hour, , , weekday] = cron.split(' ') as [string, string, string, string, string];
  const l = local(ms, timezone);
  return field(minute, l.minute) && field(hour, l.hour) && field(weekday, l.weekday);
}

describe('promotion windows on the daylight-saving days of 2026, every minute', () => {
  for (const [timezone, day] of DAYS) {
    for (const cron of CRONS) {
      it(`${cron} in ${timezone} on ${day}`, () => {
        // Every instant (a minute apart, with seconds) whose local date is the day, plus 3 days after for the next opening.
        const from = Date.parse(`${day}T00:00:00Z`) - 15 * 60 * MIN;
        const until = from + 5 * 24 * 60 * MIN;
        const minutes: number[] = [];
        for (let t = from; t < until; t += MIN) minutes.push(t);
        const open = minutes.map((t) => oracleOpen(cron, t, timezone));
        const nextOpen: (number | null)[] = new Array<number | null>(minutes.length).fill(null);
        for (let i = minutes.length - 2; i >= 0; i--) nextOpen[i] = open[i + 1] ? minutes[i + 1]! : nextOpen[i + 1]!;
        const wrong: string[] = [];
        let checked = 0;
        minutes.forEach((t, i) => {
          if (local(t, timezone).date !== day) return;
          checked++;
          const now = t + 17_000; // inside the minute
          const expected = { open: open[i], next_open_unix_ms: open[i] ? null : nextOpen[i] };
          const got = windowStatus({ cron, timezone }, now);
          if (got.open !== expected.open || got.next_open_unix_ms !== expected.next_open_unix_ms) {
            wrong.push(`${new Date(now).toISOString()}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
          }
        });
        expect(checked).toBeGreaterThanOrEqual(23 * 60);
        expect(wrong.slice(0, 5)).toEqual([]);
      });
    }
  }

  const at = (iso: string) => Date.parse(iso);
  const berlinNight = { cron: '* 2 * * *', timezone: 'Europe/Berlin' };
  it('spring: hour 2 does not exist in Berlin on 2026-03-29, so `* 2 * * *` is closed all day (03:00 CEST too)', () => {
    expect(windowStatus(berlinNight, at('2026-03-29T00:59:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-03-30T00:00:00Z') });
    expect(windowStatus(berlinNight, at('2026-03-29T01:00:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-03-30T00:00:00Z') });
  });

  it('autumn: both 02:00-02:59 of 2026-10-25 in Berlin are open (CEST, then CET)', () => {
    for (let t = at('2026-10-25T00:00:00Z'); t < at('2026-10-25T02:00:00Z'); t += MIN) expect(windowStatus(berlinNight, t).open, new Date(t).toISOString()).toBe(true);
    expect(windowStatus(berlinNight, at('2026-10-25T02:00:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-10-26T01:00:00Z') });
    // A window whose only minute is in the repeated hour opens again at its second instance.
    expect(windowStatus({ cron: '0 2 * * *', timezone: 'Europe/Berlin' }, at('2026-10-25T00:30:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-10-25T01:00:00Z') });
  });
});
