/**
 * Promotion windows: a 5-field cron in a time zone; the window is open during every minute
 * the expression matches. Pure: the instant is an argument.
 */
import { CronExpressionParser } from 'cron-parser';
import type { CronSpec } from '../spec/types.js';

export interface WindowStatus {
  open: boolean;
  /** When it next opens (null when open now, or never within the parser's range). */
  next_open_unix_ms: number | null;
}

export function windowStatus(window: CronSpec, nowMs: number): WindowStatus {
  const minute = nowMs - (((nowMs % 60_000) + 60_000) % 60_000);
  const fromBefore = CronExpressionParser.parse(window.cron, { tz: window.timezone, currentDate: new Date(minute - 1) });
  if (fromBefore.next().getTime() === minute) return { open: true, next_open_unix_ms: null };
  try {
    const next = CronExpressionParser.parse(window.cron, { tz: window.timezone, currentDate: new Date(nowMs) }).next();
    return { open: false, next_open_unix_ms: next.getTime() };
  } catch {
    return { open: false, next_open_unix_ms: null };
  }
}
