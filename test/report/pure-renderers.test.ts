/**
 * A renderer is pure: nothing in src/report/ reads or writes files, or reads the environment or
 * the process. Writing what a renderer returns (and the step summary) is src/cli/emit.ts's job.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : []));

/** Comments out: a word in a doc comment is not a use. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');

it('no file in src/report/ imports node:fs (or any Node built-in that does I/O) or touches process', () => {
  const files = sources('src/report');
  expect(files.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const file of files) {
    const text = code(readFileSync(join(ROOT, file), 'utf8'));
    for (const m of text.matchAll(/from\s+['"]((?:node:)?(?:fs|fs\/promises|child_process|net|http|https|os|process))['"]/g)) found.push(`${file}: imports ${m[1]}`);
    if (/\bimport\(/.test(text)) found.push(`${file}: a dynamic import`);
    if (/\bprocess\s*[.[]/.test(text)) found.push(`${file}: uses process (process.env, process.stdout…)`);
  }
  expect(found).toEqual([]);
});
