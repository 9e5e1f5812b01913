import { isAbsolute, join, resolve } from 'node:path';

/**
 * The paths a check reads are made again at every check from the same parts (a simulated check
 * spent 4 µs joining them): remembered, per absolute base, up to MAX_PATHS. A relative base is
 * not remembered, since it depends on the working directory.
 */
const made = new Map<string, string>();
const MAX_PATHS = 10_000;

function remembered(base: string, part: string, make: () => string): string {
  if (!isAbsolute(base)) return make();
  const key = `${base}\u0000${part}`;
  let path = made.get(key);
  if (path === undefined) {
    path = make();
    if (made.size >= MAX_PATHS) made.clear();
    made.set(key, path);
  }
  return path;
}

/** A path from the spec: absolute as written, else relative to the rollout's root. */
export function resolveIn(root: string, path: string): string {
  return isAbsolute(path) ? path : remembered(root, path, () => resolve(root, path));
}

/** join(dir, name), remembered: a file of a state directory. */
export function fileIn(dir: string, name: string): string {
  return remembered(dir, name, () => join(dir, name));
}
