/**
 * Creating a directory and its missing parents, one level at a time, a bounded number of
 * steps. Node's `mkdirSync(path, { recursive: true })` loops forever on filesystems where
 * mkdir fails with ENOENT although the parent exists (procfs: `--store /proc/x` spun at 100%
 * CPU); here every failure is an error with a code, thrown at once.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function isDirectory(path: string): boolean | null {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

/**
 * Makes `path` a directory, creating at most `maxNew` missing levels (all of them by default).
 * Throws an errno-style error: ENOTDIR when a level is a file, ENOENT when more levels are
 * missing than allowed, or whatever mkdir said.
 */
export function makeDirs(path: string, maxNew = Infinity): void {
  const missing: string[] = [];
  let at = resolve(path);
  // The deepest existing ancestor; a path has finitely many levels, and dirname('/') is '/'.
  for (;;) {
    const dir = isDirectory(at);
    if (dir === true) break;
    if (dir === false) throw failure('ENOTDIR', `ENOTDIR: not a directory, mkdir '${at}'`);
    missing.push(at);
    const up = dirname(at);
    if (up === at) throw failure('ENOENT', `ENOENT: no such file or directory, mkdir '${at}'`);
    at = up;
  }
  if (missing.length > maxNew) throw failure('ENOENT', `ENOENT: no such directory, '${missing[missing.length - 1]}'`);
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      // Another process made it meanwhile: fine if it is a directory.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || isDirectory(dir) !== true) throw err;
    }
  }
}
