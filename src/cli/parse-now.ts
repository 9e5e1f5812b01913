/**
 * `--now` (and `schedule --from`): an ISO-8601 instant with a zone, or unix milliseconds, within
 * 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. A date that does not exist (2026-02-30,
 * hour 24, minute 60, a leap second :60) is refused, never rolled over: Date.parse would turn
 * 2026-02-30 into March 2 and accept years past 9999, and a record with an instant out of range
 * breaks every reader of the journal.
 */
import { INSTANT_RANGE, MAX_INSTANT_MS } from '../time/instant.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export function parseNow(value: string, option = '--now'): number {
  const fail = (why: string): never => {
    throw new Error(`${option} ${value}: ${why}; give an ISO-8601 instant with a zone (Z or ±hh:mm), e.g. 2026-02-16T09:30:00Z or 2026-02-16T10:30:00+01:00, or unix milliseconds (a whole number from 0 to ${MAX_INSTANT_MS}), within ${INSTANT_RANGE}`);
  };
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || ms > MAX_INSTANT_MS) fail('unix milliseconds past 9999-12-31T23:59:59.999Z');
    return ms;
  }
  if (/^-\d+$/.test(value)) fail('unix milliseconds before 1970 are not accepted');
  const m = ISO.exec(value);
  if (!m) {
    if (/^[+-]\d{5,}/.test(value) || /^\d{5,}-/.test(value)) fail('years beyond 9999 (or signed years) are not accepted');
    fail(/\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? 'the zone is missing' : 'not an instant rollgate reads');
  }
  const [, y, mo, d, h, mi, s = '0', frac = '0', , sign, oh, om] = m!;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1970) fail(`the year ${y} is before 1970`);
  if (month < 1 || month > 12) fail(`there is no month ${mo}`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) fail(`${y}-${mo} has ${daysInMonth} days, so there is no day ${d}`);
  if (Number(h) > 23) fail(`the hour ${h} is not 00 to 23`);
  if (Number(mi) > 59) fail(`the minute ${mi} is not 00 to 59`);
  if (Number(s) === 60) fail('a leap second (:60) is not accepted (unix time has none)');
  if (Number(s) > 59) fail(`the second ${s} is not 00 to 59`);
  if (sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) fail(`the offset ${sign}${oh}:${om} is not a zone offset`);
  const offsetMs = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const ms = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0'))) - offsetMs;
  if (ms < 0 || ms > MAX_INSTANT_MS) fail('with its offset it falls outside the range');
  return ms;
}
