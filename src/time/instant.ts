/**
 * The instants rollgate accepts and writes: whole unix milliseconds from 1970-01-01T00:00:00.000Z
 * to 9999-12-31T23:59:59.999Z (what an ISO-8601 date with a four-digit year can name). Anything
 * else in a stored record is corrupt data (an older rollgate accepted any --now); `isoOf` shows it
 * without throwing, where `new Date(ms).toISOString()` would throw a RangeError.
 */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999); // 253402300799999

export const INSTANT_RANGE = '1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';

export function isInstant(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isInteger(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}

/**
 * The last instants shown: a check shows the same few (now, the phase's entry, the state's
 * time) several times, and a simulated check spent 3 µs making them again.
 */
const shownIso = new Map<number, string>();
const MAX_SHOWN = 64;

/** `2026-02-16T09:30:00.000Z`, or `(not an instant: <value>)`; never throws. */
export function isoOf(ms: unknown): string {
  if (typeof ms === 'number' && Number.isFinite(ms)) {
    const known = shownIso.get(ms);
    if (known !== undefined) return known;
    const d = new Date(ms);
    if (!Number.isNaN(d.getTime())) {
      const iso = d.toISOString();
      if (shownIso.size >= MAX_SHOWN) shownIso.clear();
      shownIso.set(ms, iso);
      return iso;
    }
  }
  let shown: string;
  try {
    shown = JSON.stringify(ms) ?? String(ms);
  } catch {
    shown = String(ms);
  }
  return `(not an instant: ${shown.length > 40 ? shown.slice(0, 40) + '…' : shown})`;
}

/** Why `ms` is not an instant rollgate accepts, or null when it is one. */
export function instantProblem(ms: unknown): string | null {
  if (isInstant(ms)) return null;
  if (typeof ms !== 'number') return `${isoOf(ms)} is not a number of unix milliseconds`;
  if (!Number.isInteger(ms)) return `${ms} is not a whole number of unix milliseconds`;
  return `${ms} is outside ${INSTANT_RANGE} (unix ms ${MIN_INSTANT_MS} to ${MAX_INSTANT_MS})`;
}
