import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (rel: string) => ROOT + 'fixtures/' + rel;
export const readFixture = (rel: string) => readFileSync(fixture(rel), 'utf8');
/** The small valid spec that the invalid fixtures are variations of. */
export const MINIMAL = readFixture('specs/valid-minimal.yaml');

/** MINIMAL with one piece of text replaced (the replaced text must be there). */
export function minimalWith(from: string, to: string): string {
  if (!MINIMAL.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return MINIMAL.replace(from, to);
}
