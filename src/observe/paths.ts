import { isAbsolute, resolve } from 'node:path';

/** A path from the spec: absolute as written, else relative to the rollout's root. */
export function resolveIn(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}
