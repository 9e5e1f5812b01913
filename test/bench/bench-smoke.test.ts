/**
 * The benchmark runs end to end on a small log, every counter agrees, and it cleans up. It works
 * in a scratch folder of its own (`--scratch`), so other runs on the machine cannot change what
 * it sees, and it cannot remove theirs. Its PostgreSQL server (the store row) lives in the system
 * temp folder, where `nobody` can run it: that one is stopped and removed too, and a server left
 * by a killed run is reaped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The PostgreSQL server directories in the system temp folder whose owner file names `pid`. */
function serversOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('rollgate-pgsrv-'))
    .filter((name) => {
      try {
        return readFileSync(join(tmpdir(), name, 'owner'), 'utf8').split(' ')[0] === String(pid);
      } catch {
        return false;
      }
    });
}

it('npm run bench works on a small log, writes its report and leaves only what a live run owns', async () => {
  const scratch = tempDir('bench-scratch');
  const out = join(tempDir('bench-out'), 'BENCH.md');
  // What a run stopped by a kill leaves: its directory, named with its (now gone) pid.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  mkdirSync(join(scratch, `rollgate-bench-${gone}-stale`));
  writeFileSync(join(scratch, `rollgate-bench-${gone}-stale`, 'big.jsonl'), '{}\n');
  // A run still going (this process is alive): its files are not the sweep's to take.
  const live = `rollgate-bench-${process.pid}-live`;
  mkdirSync(join(scratch, live));
  // What a bench killed during its store row leaves: a running server whose owner is gone.
  const orphan = spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { launchServer } from ${JSON.stringify(join(ROOT, 'scripts/postgres/server.mjs'))}; const s = await launchServer('bench'); console.log(JSON.stringify(s)); process.exit(0);`,
  ], { encoding: 'utf8', timeout: 60_000 });
  expect(orphan.status, orphan.stderr).toBe(0);
  const left = JSON.parse(orphan.stdout) as { dataDir: string; port: number };
  expect(await listening(left.port)).toBe(true);
  const r = spawnSync(process.execPath, [
    join(ROOT, 'scripts/bench/run.mjs'), '--scratch', scratch, '--out', out,
    '--lines', '20000', '--new-lines', '500', '--runs', '1', '--min-runs', '1',
    '--rule-evaluations', '10000', '--simulate-checks', '300', '--serve-clients', '10', '--serve-requests', '20',
    '--store-runs', '2',
  ], { encoding: 'utf8', timeout: 110_000 });
  expect(r.status, r.stderr).toBe(0);
  const doc = readFileSync(out, 'utf8');
  expect(doc).toMatch(/Every tool counted the same: 20,000 lines, 21 with case_processing_failed, 0 invalid\./);
  expect(doc).toMatch(/\| \*\*rollgate full scan\*\* \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/Reading 500 new lines after a cursor at line 19,500/);
  expect(doc).toMatch(/Both decided \*\*hold\*\*/);
  expect(doc).toMatch(/### simulate: 300 checks\n\n.*\*\*[\d,]+ checks\/s\*\*/);
  expect(doc).toMatch(/20 sequential `GET \/dashboard\/health` requests while 10 SSE clients/);
  // The store row: both stores measured in the same run (CI has PostgreSQL: it must not be skipped).
  expect(doc).toMatch(/### A check against the file store and against PostgreSQL on loopback\n\n.*both journals hold 3 records/);
  expect(doc).toMatch(/\| `rollgate evaluate … --store DIR` \| 2 \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/\| `rollgate evaluate … --store postgres:\/\/…@127\.0\.0\.1` \| 2 \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/PostgreSQL \/ file store: \*\*[\d.]+×\*\*/);
  expect(doc).not.toContain('Not measured');
  // Its own server is stopped and removed; the killed run's server was reaped.
  expect(serversOf(r.pid!)).toEqual([]);
  expect(existsSync(dirname(left.dataDir))).toBe(false);
  expect(await listening(left.port)).toBe(false);
  // The killed run's leftovers are swept, this run's generated files removed, the live run's kept.
  expect(readdirSync(scratch)).toEqual([live]);
}, 120_000);
