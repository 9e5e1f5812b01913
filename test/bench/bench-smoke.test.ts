/** The benchmark runs end to end on a small log, every counter agrees, and it cleans up. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

it('npm run bench works on a small log and writes its report', () => {
  const out = join(tempDir('bench-test'), 'BENCH.md');
  // What a run stopped by a kill leaves: its directory, named with its (now gone) pid.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = join(tmpdir(), `rollgate-bench-${gone}-stale`);
  mkdirSync(stale);
  const before = readdirSync(tmpdir()).filter((n) => n.startsWith('rollgate-bench-') && !n.startsWith('rollgate-bench-test')).length;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/run.mjs'), '--lines', '120000', '--new-lines', '1000', '--runs', '1', '--simulate-checks', '2000', '--out', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const doc = readFileSync(out, 'utf8');
  expect(doc).toMatch(/Every tool counted the same: 120,000 lines, 121 with case_processing_failed, 1 invalid\./);
  expect(doc).toMatch(/\| \*\*rollgate full scan\*\* \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/Reading 1,000 new lines after a cursor at line 119,000/);
  expect(doc).toMatch(/### simulate: 2,000 checks\n\n.*\*\*[\d,]+ checks\/s\*\*/);
  const after = readdirSync(tmpdir()).filter((n) => n.startsWith('rollgate-bench-') && !n.startsWith('rollgate-bench-test')).length;
  expect(after).toBe(before - 1); // generated files removed
  expect(existsSync(stale)).toBe(false); // and the killed run's swept
});
