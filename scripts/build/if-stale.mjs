#!/usr/bin/env node
/**
 * `npm test` builds only when the build is stale: when any input (src/, schemas/, web/,
 * scripts/build/, package.json, package-lock.json, tsconfig.json) is newer than the stamp the
 * last complete build wrote (dist/.build-stamp). A fresh clone's `npm ci` builds through
 * `prepare`, so its `npm test` does not build the same tree twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'schemas', 'web', 'scripts/build', 'package.json', 'package-lock.json', 'tsconfig.json'];
const STAMP = 'dist/.build-stamp';

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

if (process.argv.includes('--stamp')) {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
} else {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  const input = Math.max(...INPUTS.map(newest));
  if (input > built) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  else process.stdout.write('build: up to date (dist/.build-stamp is newer than every input)\n');
}
