/**
 * What a stretch of an event log says: valid cycle reports, invalid lines, reason-code counts
 * (codes trimmed, as the producer counts them) and the last valid report. Tallies are
 * cumulative and JSON-serializable, so windows are differences of two saved tallies.
 */

export interface LogTally {
  cycles: number;
  invalid: number;
  /** Valid cycle reports carrying each (trimmed) reason code. */
  codes: Record<string, number>;
  /** The last valid cycle report: its reason codes as written, and its health_reason. */
  last: { codes: string[]; reason: string } | null;
}

/** A window between two tallies: what happened after `earlier` up to `later`. */
export interface TallyWindow {
  cycles: number;
  invalid: number;
  codes: Record<string, number>;
}

export function emptyTally(): LogTally {
  return { cycles: 0, invalid: 0, codes: Object.create(null) as Record<string, number>, last: null };
}

export function countCodes(codes: Record<string, number>, list: readonly string[]): void {
  for (const code of list) codes[code] = (codes[code] ?? 0) + 1;
}

/** `into` += `more`, where `more` was read after `into`. */
export function addTally(into: LogTally, more: LogTally): LogTally {
  into.cycles += more.cycles;
  into.invalid += more.invalid;
  for (const [code, n] of Object.entries(more.codes)) into.codes[code] = (into.codes[code] ?? 0) + n;
  if (more.last) into.last = more.last;
  return into;
}

export function cloneTally(t: LogTally): LogTally {
  return addTally(emptyTally(), t);
}

/** later - earlier. Tallies only grow, so every count is >= 0; a negative one means misuse. */
export function windowBetween(later: LogTally, earlier: LogTally | null): TallyWindow {
  const codes: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [code, n] of Object.entries(later.codes)) {
    const d = n - (earlier?.codes[code] ?? 0);
    if (d > 0) codes[code] = d;
  }
  return {
    cycles: Math.max(0, later.cycles - (earlier?.cycles ?? 0)),
    invalid: Math.max(0, later.invalid - (earlier?.invalid ?? 0)),
    codes,
  };
}

/** Keys sorted, as the producer's BTreeMap prints them. */
export function sortedCounts(codes: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(codes).sort()) out[key] = codes[key]!;
  return out;
}
