/**
 * Promotion windows: a 5-field cron in a time zone. Pure: the instant is an argument.
 *
 * Convention (wall clock): the window is open during every minute whose local time in the zone
 * (what a wall clock there shows at that instant) matches the expression. So on the
 * spring-forward day a nonexistent local hour is never open (Berlin, 2026-03-29: `* 2 * * *` is
 * not open at all, and 03:00 is 03:00, not a late 02:00); on the fall-back day both instances
 * of the repeated hour are open (02:00-02:59 CEST and again 02:00-02:59 CET).
 *
 * cron-parser answers whether a minute matches (`includesDate`, the local fields in the zone).
 * Its `next()` follows another convention for scheduling (a job in a skipped hour fires once in
 * the landing hour; the repeated hour is not meant to fire twice, and misses its first minute
 * at the second instance), so the next opening is its `next()` filtered by `includesDate`, plus
 * the minutes next to a change of offset that `next()` steps over.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { CronSpec } from './cron-times.js';

export interface WindowStatus {
  open: boolean;
  /** When it next opens (null when open now, or never within the parser's range). */
  next_open_unix_ms: number | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Parsed {
  expression: CronExpression;
  /** The last answer for a closed window: nothing opens in [from, next). */
  memo: { from: number; next: number } | null;
}

const parsed = new Map<string, Parsed>();

function parsedOf(window: CronSpec): Parsed {
  const key = `${window.timezone}\n${window.cron}`;
  let p = parsed.get(key);
  if (!p) {
    if (parsed.size >= 256) parsed.clear();
    p = { expression: CronExpressionParser.parse(window.cron, { tz: window.timezone }), memo: null };
    parsed.set(key, p);
  }
  return p;
}

export function windowStatus(window: CronSpec, nowMs: number): WindowStatus {
  const p = parsedOf(window);
  const minute = nowMs - (((nowMs % MINUTE) + MINUTE) % MINUTE);
  if (p.expression.includesDate(new Date(minute))) return { open: true, next_open_unix_ms: null };
  if (p.memo && p.memo.from <= nowMs && nowMs < p.memo.next) return { open: false, next_open_unix_ms: p.memo.next };
  const next = nextOpen(window, p.expression, minute);
  if (next !== null) p.memo = { from: minute, next };
  return { open: false, next_open_unix_ms: next };
}

/** The first minute after `minute` (a closed one) in which the window is open. */
function nextOpen(window: CronSpec, expression: CronExpression, minute: number): number | null {
  let candidate: number | null = null;
  let from = minute;
  for (let attempt = 0; attempt < 3 && candidate === null; attempt++) {
    try {
      const it = CronExpressionParser.parse(window.cron, { tz: window.timezone, currentDate: new Date(from) });
      // A landing-hour fire time of a skipped hour is not a wall-clock match: skip it (a few at most).
      for (let i = 0; i < 100 && candidate === null; i++) {
        const t = it.next().getTime();
        if (expression.includesDate(new Date(t))) candidate = t;
      }
      break;
    } catch {
      // next() gives up on some transitions (e.g. Lord Howe's half-hour change): look through
      // the next day minute by minute, then ask again after it.
      for (let t = from + MINUTE; t <= from + DAY; t += MINUTE) if (expression.includesDate(new Date(t))) return t;
      from += DAY;
    }
  }
  if (candidate === null) return null; // never, within the parser's range
  // next() can step over minutes next to a change of offset (the second instance of a repeated
  // hour; the landing half-hour of Lord Howe's change): look there, before the candidate.
  for (const overlap of transitionSpans(window.timezone, minute, candidate)) {
    for (let t = Math.max(overlap.start, minute + MINUTE); t < Math.min(overlap.end, candidate); t += MINUTE) {
      if (expression.includesDate(new Date(t))) return t;
    }
  }
  return candidate;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `ms`, in ms (local = UTC + offset). */
export function utcOffset(timezone: string, ms: number): number {
  let f = offsetFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timezone, f);
  }
  const v: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') v[part.type] = Number(part.value);
  const local = Date.UTC(v.year!, v.month! - 1, v.day!, v.hour!, v.minute!, v.second!);
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * After each change of the zone's offset in (from, to]: the hour from it on, or the whole
 * repeated span after a longer backward change. Found by sampling the offset every 6 hours
 * (zones change at most a few times a year) and bisecting to the minute.
 */
function transitionSpans(timezone: string, from: number, to: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const step = 6 * HOUR;
  let a = from;
  let offA = utcOffset(timezone, a);
  while (a < to) {
    const b = Math.min(a + step, to);
    const offB = utcOffset(timezone, b);
    if (offB !== offA) {
      // Bisect for the first minute with the later offset.
      let lo = a;
      let hi = b;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(MINUTE, Math.floor((hi - lo) / 2 / MINUTE) * MINUTE);
        if (utcOffset(timezone, mid) === offA) lo = mid;
        else hi = mid;
      }
      spans.push({ start: hi, end: hi + Math.max(HOUR, offA - offB) });
    }
    a = b;
    offA = offB;
  }
  return spans;
}
