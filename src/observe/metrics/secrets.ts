/**
 * A metric's header values and bearer token: from an environment variable or a file, never the
 * spec text. Read at every check (a rotated token is picked up), the way rollgate reads every
 * file someone else writes: without blocking on a FIFO, regular files only, size capped.
 * Errors name the variable or the file, never what they hold.
 */
import type { SecretRef } from '../../spec/types.js';
import { resolveIn } from '../paths.js';
import { readUntrusted } from '../untrusted-file.js';

/** A token or a header value; a larger file is not one (a key file, a log by mistake). */
export const MAX_SECRET_BYTES = 64 * 1024;

export type SecretRead = { ok: true; value: string } | { ok: false; error: string };

/** What Node lets into a header value: tab, printable ASCII and Latin-1 (no line break). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function readSecret(ref: SecretRef, root: string, env: NodeJS.ProcessEnv = process.env): SecretRead {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) return { ok: false, error: `environment variable ${ref.env} is not set` };
    return checked(value, `environment variable ${ref.env}`);
  }
  const path = resolveIn(root, ref.file);
  const what = `secret file ${ref.file}`;
  const read = readUntrusted(path, MAX_SECRET_BYTES, what);
  if (!read.ok) return { ok: false, error: read.reason };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    return { ok: false, error: `${what} is not UTF-8 text` };
  }
  // Editors and `echo` end a file with a newline; it is not part of the token.
  return checked(text.replace(/\r?\n$/, ''), what);
}

function checked(value: string, what: string): SecretRead {
  if (value === '') return { ok: false, error: `${what} is empty` };
  if (!HEADER_VALUE.test(value)) return { ok: false, error: `${what} holds a line break or a control character, which a header value cannot carry` };
  return { ok: true, value };
}
