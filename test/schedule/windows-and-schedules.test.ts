/** Cron times and promotion windows, across daylight-saving changes, and `rollgate schedule`. */
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { localTime, nextTimes, previousTime } from '../../src/time/cron-times.js';
import { windowStatus } from '../../src/time/promotion-window.js';
import { rollgate } from '../helpers/cli.js';
import { MIN, World } from '../helpers/world.js';

const BERLIN = { cron: '* 9-16 * * 1-5', timezone: 'Europe/Berlin' };
const at = (iso: string) => Date.parse(iso);

describe('rollgate schedule', () => {
  it('matches cron-parser for */5 * * * * in UTC', () => {
    const r = rollgate(['schedule', 'specs/custom-command.yaml', '--count', '12', '--from', '2026-02-16T09:03:00Z', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { times: { unix_ms: number; utc: string; local: string }[] };
    const expected = CronExpressionParser.parse('*/5 * * * *', { tz: 'UTC', currentDate: new Date('2026-02-16T09:03:00Z') });
    expect(out.times.map((t) => t.unix_ms)).toEqual(Array.from({ length: 12 }, () => expected.next().getTime()));
    expect(out.times[0]).toEqual({ unix_ms: at('2026-02-16T09:05:00Z'), utc: '2026-02-16T09:05:00.000Z', local: '2026-02-16 09:05 UTC' });
  });

  it('text output lists local and UTC times; a spec without a schedule is a usage error', () => {
    const r = rollgate(['schedule', 'specs/release.yaml', '--count', '2', '--from', '2026-02-16T09:03:00Z']);
    expect(r.stdout).toBe('release: `*/5 * * * *` in UTC, the next 2 checks after 2026-02-16T09:03:00.000Z\n   1. 2026-02-16 09:05 UTC       2026-02-16T09:05:00.000Z\n   2. 2026-02-16 09:10 UTC       2026-02-16T09:10:00.000Z\n');
    expect(rollgate(['schedule', 'fixtures/specs/design-example.yaml', '--count', '0']).code).toBe(64);
  });

  it('business hours in Europe/Berlin across the spring-forward change', () => {
    // Friday 2026-03-27 is CET (UTC+1); Monday 2026-03-30 is CEST (UTC+2).
    const times = nextTimes(BERLIN, at('2026-03-27T15:58:00Z'), 3);
    expect(times.map((t) => new Date(t).toISOString())).toEqual(['2026-03-27T15:59:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-30T07:01:00.000Z']);
    expect(localTime(times[1]!, 'Europe/Berlin')).toBe('2026-03-30 09:00 GMT+2');
    const parser = CronExpressionParser.parse(BERLIN.cron, { tz: BERLIN.timezone, currentDate: new Date('2026-03-27T15:58:00Z') });
    expect(times).toEqual([parser.next().getTime(), parser.next().getTime(), parser.next().getTime()]);
  });

  it('a nightly check in the skipped hour runs once, an hour later; in the repeated hour, once', () => {
    expect(nextTimes({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, at('2026-03-28T12:00:00Z'), 2).map((t) => localTime(t, 'Europe/Berlin'))).toEqual(['2026-03-29 03:30 GMT+2', '2026-03-30 02:30 GMT+2']);
    expect(nextTimes({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, at('2026-10-24T12:00:00Z'), 2).map((t) => localTime(t, 'Europe/Berlin'))).toEqual(['2026-10-25 02:30 GMT+2', '2026-10-26 02:30 GMT+1']);
  });
});

describe('promotion windows across daylight-saving changes', () => {
  const daily = { cron: '* 9-16 * * *', timezone: 'Europe/Berlin' };
  it.each([
    ['spring-forward eve, 08:30 CET', '2026-03-28T07:30:00Z', false],
    ['spring-forward eve, 09:30 CET', '2026-03-28T08:30:00Z', true],
    ['spring-forward day, 09:30 CEST', '2026-03-29T07:30:00Z', true],
    ['spring-forward day, 08:30 CEST', '2026-03-29T06:30:00Z', false],
    ['spring-forward day, 16:59 CEST', '2026-03-29T14:59:00Z', true],
    ['spring-forward day, 17:00 CEST', '2026-03-29T15:00:00Z', false],
    ['fall-back eve, 09:30 CEST', '2026-10-24T07:30:00Z', true],
    ['fall-back day, 08:30 CET', '2026-10-25T07:30:00Z', false],
    ['fall-back day, 09:30 CET', '2026-10-25T08:30:00Z', true],
    ['fall-back day, 16:30 CET', '2026-10-25T15:30:00Z', true],
  ])('%s: open=%s', (_what, iso, open) => {
    expect(windowStatus(daily, at(iso)).open).toBe(open);
  });

  it('names the next opening in the right offset', () => {
    expect(windowStatus(daily, at('2026-03-28T17:00:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-03-29T07:00:00Z') });
    expect(windowStatus(daily, at('2026-10-24T17:00:00Z'))).toEqual({ open: false, next_open_unix_ms: at('2026-10-25T08:00:00Z') });
  });
});

describe('a Monday-to-Friday window', () => {
  it('green gates on a Saturday wait, and promote at the first check inside the window', () => {
    const w = new World();
    w.raw('weekday.yaml', `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: weekday }
surfaces:
  web: { stateDir: .tau/web, staleAfter: 15m }
promotionWindow: { cron: "* 9-16 * * 1-5", timezone: Europe/Berlin }
phases:
  - { name: canary, traffic: 10, soak: 30m, gates: [ { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } } ] }
  - { name: ga, traffic: 100, soak: 1h }
`);
    const saturday = at('2026-02-21T10:00:00Z'); // 11:00 in Berlin
    const steps: [number, string, RegExp][] = [
      [saturday, 'wait', /soaking canary/],
      [saturday + 30 * MIN, 'wait', /outside the promotion window .* next opens at 2026-02-23T08:00:00.000Z/],
      [at('2026-02-22T20:00:00Z'), 'wait', /outside the promotion window/],
      [at('2026-02-23T07:59:00Z'), 'wait', /outside the promotion window/],
      [at('2026-02-23T08:00:00Z'), 'promote', /promoting to ga/],
    ];
    for (const [now, decision, reason] of steps) {
      w.state('.tau/web', 'custom-command', now - MIN);
      const r = w.evaluate(w.path('weekday.yaml'), now);
      expect(r.record.decision, new Date(now).toISOString()).toBe(decision);
      expect(r.record.reasons.join(' | ')).toMatch(reason);
    }
  });
});

describe('cron answers remembered (run --once asks the same cron about the same instant for every rollout)', () => {
  it('the same answers as a fresh parse, and each caller gets a list of its own', () => {
    const cron = { cron: '*/5 * * * *', timezone: 'Europe/Berlin' };
    const from = Date.parse('2026-03-29T00:58:00Z');
    const fresh = (() => {
      const e = CronExpressionParser.parse(cron.cron, { tz: cron.timezone, currentDate: new Date(from) });
      return [e.next().getTime(), e.next().getTime()];
    })();
    const first = nextTimes(cron, from, 2);
    expect(first).toEqual(fresh);
    first.push(0);
    expect(nextTimes(cron, from, 2)).toEqual(fresh);
    expect(nextTimes(cron, from, 1)).toEqual([fresh[0]]);
    expect(previousTime(cron, from)).toBe(Date.parse('2026-03-29T00:55:00Z'));
    expect(previousTime(cron, Date.parse('2026-03-29T00:55:00Z'))).toBe(Date.parse('2026-03-29T00:55:00Z')); // at or before
    expect(previousTime({ ...cron, timezone: 'UTC' }, from)).toBe(Date.parse('2026-03-29T00:55:00Z'));
    expect(previousTime({ cron: '0 9 * * *', timezone: 'UTC' }, from)).toBe(Date.parse('2026-03-28T09:00:00Z'));
  });

  it('stays right past the bound on what it remembers', () => {
    const cron = { cron: '0 * * * *', timezone: 'UTC' };
    const base = Date.parse('2026-02-16T00:30:00Z');
    for (let i = 0; i < 600; i++) expect(previousTime(cron, base + i * 3_600_000)).toBe(base - 30 * 60_000 + i * 3_600_000);
  });
});
