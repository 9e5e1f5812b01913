/**
 * The benchmark runs end to end on a small log, every counter agrees, and it cleans up. It works
 * in a scratch folder of its own (`--scratch`), so other runs on the machine cannot change what
 * it sees, and it cannot remove theirs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

it('npm run bench works on a small log, writes its report and leaves only what a live run owns', () => {
  const scratch = tempDir('bench-scratch');
  const out = join(tempDir('bench-out'), 'BENCH.md');
  // What a run stopped by a kill leaves: its directory, named with its (now gone) pid.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  mkdirSync(join(scratch, `rollgate-bench-${gone}-stale`));
  writeFileSync(join(scratch, `rollgate-bench-${gone}-stale`, 'big.jsonl'), '{}\n');
  // A run still going (this process is alive): its files are not the sweep's to take.
  const live = `rollgate-bench-${process.pid}-live`;
  mkdirSync(join(scratch, live));
  const r = spawnSync(process.execPath, [
    join(ROOT, 'scripts/bench/run.mjs'), '--scratch', scratch, '--out', out,
    '--lines', '20000', '--new-lines', '500', '--runs', '1', '--min-runs', '1',
    '--rule-evaluations', '10000', '--simulate-checks', '300', '--serve-clients', '10', '--serve-requests', '20',
  ], { encoding: 'utf8', timeout: 110_000 });
  expect(r.status, r.stderr).toBe(0);
  const doc = readFileSync(out, 'utf8');
  expect(doc).toMatch(/Every tool counted the same: 20,000 lines, 21 with case_processing_failed, 0 invalid\./);
  expect(doc).toMatch(/\| \*\*rollgate full scan\*\* \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/Reading 500 new lines after a cursor at line 19,500/);
  expect(doc).toMatch(/Both decided \*\*hold\*\*/);
  expect(doc).toMatch(/### simulate: 300 checks\n\n.*\*\*[\d,]+ checks\/s\*\*/);
  expect(doc).toMatch(/20 sequential `GET \/dashboard\/health` requests while 10 SSE clients/);
  // The killed run's leftovers are swept, this run's generated files removed, the live run's kept.
  expect(readdirSync(scratch)).toEqual([live]);
}, 120_000);
