/**
 * What a stretch of an event log says: valid cycle reports, invalid lines, reason-code counts
 * (codes trimmed, as the producer counts them) and the last valid report. Tallies are
 * cumulative and JSON-serializable, so windows are differences of two saved tallies.
 *
 * Two counts say a window cannot be trusted (docs/event-log.md): `suspect` invalid lines that
 * may carry reason codes, and `lost`, times lines may have gone unread (truncation,
 * replacement, rotation past what is kept, a deleted or unreadable log). Tallies saved before
 * these existed lack them: every function here reads a missing count as 0 and a missing
 * `doubt` as null.
 */

export interface LogTally {
  cycles: number;
  invalid: number;
  /** Valid cycle reports carrying each (trimmed) reason code. */
  codes: Record<string, number>;
  /** The last valid cycle report: its reason codes as written, and its health_reason. */
  last: { codes: string[]; reason: string } | null;
  /** Invalid lines that may carry reason codes (cumulative). */
  suspect: number;
  /** Times lines may have been lost: truncation, replacement, rotation past what is kept, a deleted or unreadable log (cumulative). */
  lost: number;
  /**
   * The latest sentence saying which lines and why, e.g. "runtime-events.jsonl byte 1234: an
   * invalid line that mentions reason_codes", or null. At most DOUBT_MAX_CHARS; producer text
   * inside it is JSON.stringify'd and cut, never raw.
   */
  doubt: string | null;
}

/** A window between two tallies: what happened after `earlier` up to `later`. */
export interface TallyWindow {
  cycles: number;
  invalid: number;
  codes: Record<string, number>;
  /** Suspect invalid lines in the window (later - earlier). */
  suspect: number;
  /** Possible losses of lines in the window (later - earlier). */
  lost: number;
  /** later.doubt when suspect or lost is > 0, else null. */
  doubt: string | null;
}

export const DOUBT_MAX_CHARS = 300;

export function emptyTally(): LogTally {
  return { cycles: 0, invalid: 0, codes: Object.create(null) as Record<string, number>, last: null, suspect: 0, lost: 0, doubt: null };
}

export function countCodes(codes: Record<string, number>, list: readonly string[]): void {
  for (const code of list) codes[code] = (codes[code] ?? 0) + 1;
}

/** A count as saved, or 0 when an older version saved no such field. */
const n = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** `into` += `more`, where `more` was read after `into`. */
export function addTally(into: LogTally, more: LogTally): LogTally {
  into.cycles += more.cycles;
  into.invalid += more.invalid;
  // Object.keys, not Object.entries: the same keys in the same order, without an array per code.
  const codes = more.codes;
  for (const code of Object.keys(codes)) into.codes[code] = (into.codes[code] ?? 0) + codes[code]!;
  if (more.last) into.last = more.last;
  into.suspect = n(into.suspect) + n(more.suspect);
  into.lost = n(into.lost) + n(more.lost);
  into.doubt = more.doubt ?? into.doubt ?? null;
  return into;
}

export function cloneTally(t: LogTally): LogTally {
  return addTally(emptyTally(), t);
}

/** Records one doubt: `what` says which lines and why; the latest sentence is kept. */
export function noteDoubt(tally: LogTally, kind: 'suspect' | 'lost', what: string): void {
  tally[kind] = n(tally[kind]) + 1;
  tally.doubt = cutSentence(what);
}

/** A sentence cut to DOUBT_MAX_CHARS. */
export function cutSentence(s: string): string {
  return s.length <= DOUBT_MAX_CHARS ? s : `${s.slice(0, DOUBT_MAX_CHARS - 1)}…`;
}

/** Producer text to quote in a sentence: JSON.stringify'd, cut to about `max` characters. */
export function quoteProducerText(text: string, max = 60): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}…`;
}

/** later - earlier. Tallies only grow, so every count is >= 0; a negative one means misuse. */
export function windowBetween(later: LogTally, earlier: LogTally | null): TallyWindow {
  const codes: Record<string, number> = Object.create(null) as Record<string, number>;
  const laterCodes = later.codes;
  const seen = Object.keys(laterCodes);
  for (let i = 0; i < seen.length; i++) {
    const code = seen[i]!;
    const d = laterCodes[code]! - (earlier?.codes[code] ?? 0);
    if (d > 0) codes[code] = d;
  }
  const suspect = Math.max(0, n(later.suspect) - n(earlier?.suspect));
  const lost = Math.max(0, n(later.lost) - n(earlier?.lost));
  return {
    cycles: Math.max(0, later.cycles - (earlier?.cycles ?? 0)),
    invalid: Math.max(0, later.invalid - (earlier?.invalid ?? 0)),
    codes,
    suspect,
    lost,
    doubt: suspect > 0 || lost > 0 ? (later.doubt ?? null) : null,
  };
}

/** A window that may miss lines or hide reason codes: its counts cannot be trusted. */
export function windowIsUnknown(w: TallyWindow): boolean {
  return n(w.suspect) > 0 || n(w.lost) > 0;
}

/** Keys sorted, as the producer's BTreeMap prints them. */
export function sortedCounts(codes: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(codes).sort()) out[key] = codes[key]!;
  return out;
}
