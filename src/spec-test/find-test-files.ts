/** Which test files `rollgate test` runs: the paths given (a directory: every *.test.yaml under it), else specs/ and test/specs/. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_TEST_DIRS = ['specs', 'test/specs'];
const isTestFile = (name: string) => /\.test\.ya?ml$/i.test(name);

export interface TestPaths {
  files: string[];
  /** Directories (given, or the defaults) without a single test file: an empty run must never pass. */
  emptyDirs: string[];
}

export function findTestFiles(args: readonly string[], cwd = '.'): TestPaths {
  const dirs = args.length > 0 ? args : DEFAULT_TEST_DIRS.filter((d) => existsSync(resolve(cwd, d)));
  const files: string[] = [];
  const emptyDirs: string[] = [];
  if (args.length === 0 && dirs.length === 0) emptyDirs.push(DEFAULT_TEST_DIRS.join(' or '));
  for (const arg of dirs) {
    let directory = false;
    try {
      // resolve, not join: an absolute path must stay absolute (join('.', '/tmp/x') is tmp/x).
      directory = statSync(resolve(cwd, arg)).isDirectory();
    } catch {
      // A missing file is reported by the loader, with its name (exit 66).
    }
    if (!directory) {
      files.push(arg);
      continue;
    }
    const found = walk(cwd, arg);
    if (found.length === 0) emptyDirs.push(arg);
    files.push(...found);
  }
  if (args.length === 0 && files.length === 0 && emptyDirs.length === 0) emptyDirs.push(...dirs);
  return { files: [...new Set(files)], emptyDirs };
}

function walk(cwd: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(resolve(cwd, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(cwd, path));
    else if (isTestFile(entry.name)) out.push(path);
  }
  return out;
}
