#!/usr/bin/env node
/**
 * Moves TypeScript modules and rewrites every relative import that names them (src/, test/,
 * scripts/): `node scripts/dev/move-modules.mjs old.ts=new.ts …` (paths from the repository root).
 * Used for the re-zoning of issue 15; kept because a layout that cannot be changed cheaply decays.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.cwd();
const moves = new Map(process.argv.slice(2).map((arg) => arg.split('=').map((p) => resolve(root, p))));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
  return /\.(ts|mjs|js)$/.test(e.name) ? [p] : [];
});
const files = ['src', 'test', 'scripts'].flatMap((d) => walk(join(root, d)));
const where = (f) => moves.get(f) ?? f;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const out = text.replace(/(from\s*|import\(\s*|vi\.mock\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (all, lead, q, spec) => {
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    const newTarget = where(target);
    let rel = relative(dirname(where(file)), newTarget).replace(/\.ts$/, spec.endsWith('.js') ? '.js' : '');
    if (!rel.startsWith('.')) rel = './' + rel;
    return `${lead}${q}${rel}${q}`;
  });
  if (out !== text) writeFileSync(file, out);
}
for (const [from, to] of moves) {
  mkdirSync(dirname(to), { recursive: true });
  execFileSync('git', ['mv', from, to]);
}
