/**
 * Is a dashboard token hard enough to guess? An estimate, not a proof: length × log2 of the
 * alphabet its characters come from (hex 16, base64url 64, …), and no credit at all for a
 * token with few distinct characters, a repeated pattern or a run like `abcd…`/`aaaa…`.
 */

export const MIN_TOKEN_BITS = 128;
const MIN_DISTINCT = 8;

export const MAKE_TOKEN = '`openssl rand -hex 32` or `node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"`';

/** Bits the token would have if its characters were drawn at random from its alphabet. */
export function estimatedBits(token: string): number {
  if (token.length === 0) return 0;
  let alphabet: number;
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) alphabet = 16;
  // Both cases and nothing beyond base64url: base64url (a random one lacks a case once in 50,000 at 22 characters).
  else if (/^[A-Za-z0-9_-]+$/.test(token) && /[a-z]/.test(token) && /[A-Z]/.test(token)) alphabet = 64;
  else {
    alphabet = 0;
    if (/[a-z]/.test(token)) alphabet += 26;
    if (/[A-Z]/.test(token)) alphabet += 26;
    if (/[0-9]/.test(token)) alphabet += 10;
    if (/[-_]/.test(token)) alphabet += 2;
    if (/[^A-Za-z0-9_-]/.test(token)) alphabet += 32;
  }
  return [...token].length * Math.log2(alphabet);
}

/** Why the token is too weak, or null when it is strong enough. */
export function tokenWeakness(token: string): string | null {
  const chars = [...token];
  if (/\s/.test(token)) return 'it contains white space';
  const bits = Math.floor(estimatedBits(token));
  if (bits < MIN_TOKEN_BITS) return `it is ${chars.length} characters, about ${bits} bits, and at least ${MIN_TOKEN_BITS} are needed: 32 hex or 22 base64url characters`;
  if (new Set(chars).size < MIN_DISTINCT) return `it uses only ${new Set(chars).size} distinct characters`;
  const period = smallestPeriod(chars);
  if (period <= chars.length / 2) return `it repeats a ${period}-character pattern`;
  let steps = 0;
  for (let i = 1; i < chars.length; i++) if (Math.abs(chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)!) <= 1) steps++;
  if (steps * 4 >= (chars.length - 1) * 3) return 'it is mostly runs of neighbouring characters (like abcd or aaaa)';
  return null;
}

/** The smallest p such that the token is its first p characters repeated (the last copy may be cut). */
function smallestPeriod(chars: string[]): number {
  for (let p = 1; p < chars.length; p++) {
    let ok = true;
    for (let i = p; i < chars.length && ok; i++) ok = chars[i] === chars[i - p];
    if (ok) return p;
  }
  return chars.length;
}
