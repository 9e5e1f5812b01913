/** Upcoming times of a 5-field cron in a time zone, and how to show them there. Pure. */
import { CronExpressionParser } from 'cron-parser';

/** A 5-field cron expression in an IANA time zone (`schedule`, `promotionWindow`). */
export interface CronSpec {
  cron: string;
  timezone: string;
}

/**
 * The last answers, by expression, zone and instant: `run --once` over a folder of rollouts asks
 * the same few crons about the same instant for every rollout, and each parse builds dates in
 * the zone (cron-parser and luxon: most of the cost). Pure functions of their arguments, so a
 * remembered answer is the answer; bounded, cleared when full.
 */
const answers = new Map<string, number | null | readonly number[]>();
const MAX_ANSWERS = 256;

function remembered<T extends number | null | readonly number[]>(key: string, answer: () => T): T {
  const known = answers.get(key);
  if (known !== undefined) return known as T;
  const value = answer();
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(key, value);
  return value;
}

/** The next `count` instants strictly after `fromMs`. */
export function nextTimes(cron: CronSpec, fromMs: number, count: number): number[] {
  // A copy: the caller owns the list it is given.
  return [...remembered(`next\u0000${cron.cron}\u0000${cron.timezone}\u0000${fromMs}\u0000${count}`, () => {
    const expression = CronExpressionParser.parse(cron.cron, { tz: cron.timezone, currentDate: new Date(fromMs) });
    const out: number[] = [];
    for (let i = 0; i < count && expression.hasNext(); i++) out.push(expression.next().getTime());
    return out;
  })];
}

/** The latest instant at or before `atMs` (null if none in the last year). */
export function previousTime(cron: CronSpec, atMs: number): number | null {
  return remembered(`prev\u0000${cron.cron}\u0000${cron.timezone}\u0000${atMs}`, () => {
    const expression = CronExpressionParser.parse(cron.cron, { tz: cron.timezone, currentDate: new Date(atMs + 1) });
    return expression.hasPrev() ? expression.prev().getTime() : null;
  });
}

/** `2026-03-29 03:00 GMT+2` in the schedule's own zone (`… UTC` for UTC). */
export function localTime(ms: number, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const zone = /^(Etc\/)?(UTC|GMT|Zulu)$/i.test(timezone) ? 'UTC' : parts.timeZoneName;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
}
