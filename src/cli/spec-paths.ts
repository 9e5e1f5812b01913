/** Expands the spec arguments of a command: a directory stands for the specs directly inside it. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SpecPaths {
  files: string[];
  /** Directories that hold no spec at all: an empty glob must never pass silently. */
  emptyDirs: string[];
}

const isSpecFile = (name: string) => /\.ya?ml$/i.test(name) && !/\.test\.ya?ml$/i.test(name);

export function expandSpecPaths(args: readonly string[]): SpecPaths {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  for (const arg of args) {
    const info = statSync(arg, { throwIfNoEntry: false });
    if (!info?.isDirectory()) {
      files.push(arg);
      continue;
    }
    const names = readdirSync(arg).filter(isSpecFile).sort();
    if (names.length === 0) emptyDirs.push(arg);
    files.push(...names.map((n) => join(arg, n)));
  }
  return { files, emptyDirs };
}
