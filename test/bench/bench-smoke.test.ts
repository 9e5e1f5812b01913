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
    '--lines', '20000', '--new-lines', '500', '--min-runs', '1', '--budget', '20',
    '--rollouts', '20', '--wide-surfaces', '4', '--wide-gates', '3',
    '--rule-evaluations', '10000', '--simulate-checks', '300', '--serve-clients', '10', '--serve-requests', '20',
    '--store-runs', '2',
  ], { encoding: 'utf8', timeout: 110_000 });
  expect(r.status, r.stderr).toBe(0);
  const doc = readFileSync(out, 'utf8');
  // The machine and the node -e 0 baseline, the headline table with every issue figure judged.
  expect(doc).toMatch(/on \d{4}-\d\d-\d\d: \*\*.+ \(\d+ cores\)\*\*, .*`node -e 0` [\d.]+ m?s \(/);
  expect(doc).toMatch(/Every tool counted the same: 20,000 lines, 21 with case_processing_failed, 0 invalid; rollgate decided \*\*hold\*\*/);
  expect(doc).toMatch(/mean \*\*4\d\d bytes a line\*\*/);
  expect(doc).toMatch(/\| first `evaluate` of the 20,000-line log .*share of the Node byte-scan ceiling \| .* \| \*\*\d+% \(\d+ – \d+%\)\*\* of ceiling.*\| ≥ 60% \| \*\*(not )?met\*\*/);
  expect(doc).toMatch(/\| first `evaluate` of the same log, against `grep -c case_processing_failed` \| .* \| \*\*[\d.]+× \([\d.]+× – [\d.]+×\)\*\*.*\| ≤ 2× \| \*\*(not )?met\*\*/);
  expect(doc).toMatch(/\| a later `evaluate`: 500 new lines after the cursor, against `node -e 0` \| .*\| ≤ 2\.5× \|/);
  expect(doc).toMatch(/\| `rollgate validate specs\/release\.yaml`, against `node -e 0` \| .*\| ≤ 2\.5× \|/);
  expect(doc).toMatch(/\| `simulate` CLI, [\d,]+ checks of specs\/custom-command\.yaml( \(reduced from 300 to fit the time budget\))? \| .* \*\*[\d,]+ checks\/s\*\* .*\| ≥ 20,000 checks\/s \|/);
  expect(doc).toMatch(/\| `evaluate` of 4 surfaces × 3 gates \(12 rule evaluations\), against `node -e 0` \| .*\| ≤ 3× \|/);
  // The sizes shrink to fit the time budget on a loaded machine: the row is there, met or not.
  expect(doc).toMatch(/\| `run --once` over [\d,]+ small rollouts[^|]*\| .*\| < 10 s \| \*\*(not )?met\*\*/);
  expect(doc).toMatch(/\| `wc -l log` \|/);
  expect(doc).toMatch(/\| `cat log > \/dev\/null` \|/);
  expect(doc).toMatch(/\| Node byte scan \(4 MiB reads, `Buffer\.indexOf`\) \|/);
  expect(doc).toMatch(/readline \+ `JSON\.parse` in Node, against the first `evaluate`/);
  // jq streams (no array of matches) when installed; otherwise the row says so.
  expect(doc).toMatch(/jq -cR 'fromjson\? \\\| select|`jq` is not installed on this machine/);
  expect(doc).toMatch(/20 sequential `GET \/dashboard\/health` requests while 10 SSE clients/);
  // The store row: both stores measured in the same run (CI has PostgreSQL: it must not be skipped).
  // (as many rounds as the budget allows, at most --store-runs: 2)
  expect(doc).toMatch(/### A check against the file store and against PostgreSQL on loopback\n\n.*both journals hold [23] records/);
  expect(doc).toMatch(/\| `rollgate evaluate … --store DIR` \| [12] \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/\| `rollgate evaluate … --store postgres:\/\/…@127\.0\.0\.1` \| [12] \| [\d.]+ m?s \|/);
  expect(doc).toMatch(/PostgreSQL \/ file store: \*\*[\d.]+×\*\* \(the ratio of each round's pair: [\d.]+× – [\d.]+×/);
  expect(doc).not.toContain('Not measured');
  // Its own server is stopped and removed; the killed run's server was reaped.
  expect(serversOf(r.pid!)).toEqual([]);
  expect(existsSync(dirname(left.dataDir))).toBe(false);
  expect(await listening(left.port)).toBe(false);
  // The killed run's leftovers are swept, this run's generated files removed, the live run's kept.
  expect(readdirSync(scratch)).toEqual([live]);
}, 120_000);
