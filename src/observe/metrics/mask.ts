/**
 * Credentials never reach a message or a record. A metric's URL is shown with its userinfo
 * masked, and every text that may quote a secret (an error from the network stack, a server's
 * error body echoing a header) is scrubbed of the secret values themselves.
 *
 * The PostgreSQL store has its own (store/postgres/url.ts: it keeps the user name, which a
 * database URL needs to be recognized); this is the general one for http(s) URLs, where a user
 * name alone may be a token (`https://<token>@host`).
 */

/**
 * The URL as messages show it: user name and password each replaced by `***`. A URL that does
 * not parse is shown by its scheme alone (it may hold credentials in a shape we cannot find).
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username) u.username = '***';
    if (u.password) u.password = '***';
    const shown = u.toString();
    // `http://host:9090` as written, not the `http://host:9090/` URL normalizes it to.
    return !url.endsWith('/') && u.pathname === '/' && !u.search && !u.hash ? shown.slice(0, -1) : shown;
  } catch {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0] ?? 'a URL that does not parse:';
    return `${scheme}//…`;
  }
}

/** The userinfo of `url` (as written and percent-decoded): secrets a message must not show. */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    for (const part of [u.username, u.password]) if (part) out.push(part, safeDecode(part));
  } catch {
    // A URL that does not parse is never printed (maskUrl).
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `text` with every secret replaced by `***` (longest first, so one inside another goes too). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}
