/**
 * RFC 6901 JSON pointers into an untrusted answer: `/health/failure_streak`, `~1` for `/` and
 * `~0` for `~` in a member name, a decimal index into an array, `''` for the whole document.
 * A miss says where the walk stopped and what was there instead.
 */
import { excerpt } from './excerpt.js';

/** `why`: where the walk stopped and what was there (`/health has no \`failure_streak\``). */
export type PointerResult = { ok: true; value: unknown } | { ok: false; invalid: boolean; why: string };

/** The pointer's tokens, unescaped, or null if it is not a pointer (no leading `/`, a bad `~`). */
export function pointerTokens(pointer: string): string[] | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  const tokens = pointer.slice(1).split('/');
  if (tokens.some((t) => /~(?![01])/.test(t))) return null;
  // ~1 first, then ~0: `~01` is the name `~1`, not `/`.
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const INDEX = /^(?:0|[1-9]\d*)$/;

export function resolvePointer(document: unknown, pointer: string): PointerResult {
  const tokens = pointerTokens(pointer);
  if (tokens === null) return { ok: false, invalid: true, why: `pointer ${JSON.stringify(pointer)} is not a JSON pointer: it must start with \`/\`, and \`~\` is written \`~0\`, \`/\` inside a name \`~1\`` };
  let here: unknown = document;
  let at = '';
  const raw = pointer === '' ? [] : pointer.slice(1).split('/');
  for (const [i, token] of tokens.entries()) {
    const where = at === '' ? 'the answer' : at;
    const miss = (why: string): PointerResult => ({ ok: false, invalid: false, why });
    if (Array.isArray(here)) {
      if (!INDEX.test(token)) return miss(`${where} is a list, and \`${excerpt(token, 60)}\` is not an index (0, 1, …)`);
      const index = Number(token);
      if (index >= here.length) return miss(`${where} has ${here.length} item${here.length === 1 ? '' : 's'}, no index ${index}`);
      here = here[index];
    } else if (typeof here === 'object' && here !== null) {
      // Own members only: `__proto__` or `constructor` in a pointer must not find Object's.
      if (!Object.prototype.hasOwnProperty.call(here, token)) return miss(`${where} has no \`${excerpt(token, 60)}\`${membersHint(here)}`);
      here = (here as Record<string, unknown>)[token];
    } else {
      return miss(`${where} is ${describe(here)}, not an object or a list`);
    }
    at = `${at}/${raw[i]}`;
  }
  return { ok: true, value: here };
}

/** A few of the members that are there, so a typo shows. */
function membersHint(object: object): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return ' (it is empty)';
  const shown = keys.slice(0, 5).map((k) => `\`${excerpt(k, 40)}\``).join(', ');
  return ` (it has ${shown}${keys.length > 5 ? `, and ${keys.length - 5} more` : ''})`;
}

/** A JSON value's type in words: `a number`, `null`, `a list`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
