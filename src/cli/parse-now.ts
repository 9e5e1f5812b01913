/** `--now`: an ISO-8601 instant with a zone (Z or ±hh:mm) or unix milliseconds. */
export function parseNow(value: string): number {
  if (/^\d{1,16}$/.test(value)) return Number(value);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new Error(`--now ${value}: give an ISO-8601 instant with a zone (e.g. 2026-02-16T09:30:00Z) or unix milliseconds`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--now ${value} is not a valid instant; e.g. 2026-02-16T09:30:00Z or 1771234200000`);
  return ms;
}
