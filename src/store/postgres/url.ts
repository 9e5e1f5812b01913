/** PostgreSQL store URLs: `postgres://user[:password]@host[:port]/db[?…]` (also `postgresql://`). */

export const POSTGRES_SCHEMES = ['postgres', 'postgresql'] as const;

/**
 * The URL as every message and record shows it: the password replaced by `***`. A URL that does
 * not parse is shown by its scheme alone (it may hold a password in a shape we cannot find).
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return `${url.split(':')[0]}://…`;
  }
}

/** Every secret a message must not show: the URL's password and PGPASSWORD. */
export function secretsOf(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
  } catch {
    // A URL that does not parse is never printed (maskUrl).
  }
  if (process.env.PGPASSWORD) out.push(process.env.PGPASSWORD);
  return out.filter((s) => s.length > 0);
}

/** `text` with every secret of `url` replaced by `***`. */
export function scrub(text: string, url: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  return out;
}
