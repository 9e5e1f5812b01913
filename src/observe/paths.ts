import { isAbsolute, join, resolve } from 'node:path';

/**
 * The paths a check reads are made again at every check from the same parts (a simulated check
 * spent 4 µs joining them): remembered, per absolute base, up to MAX_PATHS. A relative base is
 * not remembered, since it depends on the working directory.
 */
const made = new Map<string, Map<string, string>>();
const MAX_PATHS = 10_000;
let count = 0;

function remembered(base: string, part: string, make: (base: string, part: string) => string): string {
  if (!isAbsolute(base)) return make(base, part);
  // Two levels: both strings are the same objects check after check, so their hashes are kept
  // (a key joined from them would be a new string, hashed at every lookup).
  let path = made.get(base)?.get(part);
  if (path === undefined) {
    path = make(base, part);
    if (++count > MAX_PATHS) {
      made.clear();
      count = 1;
    }
    let parts = made.get(base);
    if (parts === undefined) made.set(base, (parts = new Map()));
    parts.set(part, path);
  }
  return path;
}

/** A path from the spec: absolute as written, else relative to the rollout's root. */
export function resolveIn(root: string, path: string): string {
  return isAbsolute(path) ? path : remembered(root, path, resolve);
}

/** join(dir, name), remembered: a file of a state directory. */
export function fileIn(dir: string, name: string): string {
  return remembered(dir, name, join);
}
