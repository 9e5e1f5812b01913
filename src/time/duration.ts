/** Durations in specs: `90s`, `30m`, `1h30m`, `24h`, `2d`, `500ms`, `0`. */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
/** The units largest first, listed once: formatDuration runs in every check's reasons. */
const UNITS = Object.entries(UNIT_MS);
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or null when the value is not a duration. */
export function parseDuration(value: unknown): number | null {
  if (value === 0 || value === '0') return 0;
  if (typeof value !== 'string' || value === '') return null;
  const m = DURATION.exec(value);
  if (!m) return null;
  const [, d, h, min, s, ms] = m;
  const total =
    Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(min ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s + Number(ms ?? 0);
  return Number.isSafeInteger(total) ? total : null;
}

/** Compact human form of milliseconds, the inverse of parseDuration: 5400000 -> `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
