// A check's wall time against the file store and against PostgreSQL on loopback, in the same
// run: the bench starts a throwaway PostgreSQL server (scripts/postgres/server.mjs: initdb in a
// temp dir, 127.0.0.1, a free port, fsync off, as `nobody` when root), creates the schema with
// `rollgate store init`, then times `rollgate evaluate` with `--store DIR` and with
// `--store postgres://…`, interleaved with `node -e 0`; then stops the server and removes it.
// Without PostgreSQL the section says what to install and the rest of the bench runs.
//   node scripts/bench/store.mjs [--runs N]     prints the section alone
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NOT_INSTALLED, destroyServer, destroyServerSync, findPgBin, launchServer, query } from '../postgres/server.mjs';
import { fmt, ratioStats, timeInterleaved } from './lib.mjs';
import { NOW } from './startup.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = join(root, 'specs/custom-command.yaml');
const STEP_MS = 1000;
// The sample state says it was written at 00:05:00 and the spec calls it stale after 15 minutes:
// the checks, one second apart from NOW (00:06:00), must end before that.
const MAX_CHECKS = 800;
const HEADING = '### A check against the file store and against PostgreSQL on loopback';

export async function storeFigures({ dir, runs, minRuns, budgetMs = Infinity, log }) {
  try {
    findPgBin();
  } catch (err) {
    if (err.message !== NOT_INSTALLED) throw err; // e.g. a PG_BIN without initdb: say so, do not skip
    log('store: PostgreSQL is not installed; the row is skipped');
    return {
      figures: {},
      rows: [{ figure: 'a later `evaluate`, `--store postgres://` against `--store DIR`', skipped: 'not measured: PostgreSQL is not installed' }],
      markdown: `${HEADING}\n\nNot measured: PostgreSQL is not installed on this machine (\`apt-get install -y --no-install-recommends postgresql\` on Debian, or set \`PG_BIN\` to the folder of its initdb and pg_ctl).`,
    };
  }
  if (runs + 1 > MAX_CHECKS) throw new Error(`store: at most ${MAX_CHECKS - 1} runs (the sample state goes stale after that many one-second steps)`);

  log('store: starting a throwaway PostgreSQL server on 127.0.0.1…');
  const t0 = performance.now();
  const server = await launchServer('bench');
  const startMs = performance.now() - t0;
  // A Ctrl-C or a kill stops the server too (a SIGKILL cannot: the next bench, or the next test
  // run, reaps it: reapStaleServers).
  const onSignal = (signal) => {
    destroyServerSync(server);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    const [{ server_version: full }] = await query(server.url, 'SHOW server_version');
    const version = String(full).split(' ')[0]; // '15.18 (Debian 15.18-0+deb12u1)' -> '15.18'
    return measure({ dir, runs, minRuns, budgetMs, log, server, version, startMs });
  } finally {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    await destroyServer(server);
    log('store: server stopped and removed');
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function measure({ dir, runs: maxRuns, minRuns, budgetMs, log, server, version, startMs }) {
  const rollgate = (...args) => [process.execPath, `${root}bin/rollgate.js`, ...args];
  const run = (args) => {
    const argv = rollgate(...args);
    return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  };
  const work = join(dir, 'store');
  mkdirSync(join(work, '.tau'), { recursive: true });
  cpSync(join(root, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(work, '.tau/custom-command'), { recursive: true });
  const stores = { file: join(work, '.rollgate'), postgres: server.url };

  const init = run(['store', 'init', '--store', stores.postgres]);
  if (init.status !== 0) throw new Error(`rollgate store init exited ${init.status}: ${init.stderr}`);

  // Each store gets the same instants: NOW, NOW + 1 s, … (its own counter), so every run is a
  // real later check that commits one journal record, and both journals end up alike.
  const checkOf = (store) => {
    let n = 0;
    return () => rollgate('evaluate', SPEC, '--root', work, '--store', store, '--now', new Date(Date.parse(NOW) + STEP_MS * n++).toISOString());
  };
  log(`store: up to ${maxRuns} interleaved runs of node -e 0, evaluate --store DIR, evaluate --store postgres://…`);
  const result = timeInterleaved({
    node: { argv: [process.execPath, '-e', '0'] },
    file: { argv: checkOf(stores.file), expectExit: 0 },
    postgres: { argv: checkOf(stores.postgres), expectExit: 0 },
  }, { minRuns: Math.min(maxRuns, minRuns ?? 5), maxRuns, budgetMs, baseline: 'file' });
  const runs = result.file.runs;

  // Every run committed its record: both chains verify, hold runs + 1 records (the warm-up's
  // included), and list the same decisions at the same instants.
  const listings = {};
  for (const [name, store] of Object.entries(stores)) {
    const verify = run(['journal', SPEC, '--root', work, '--store', store, '--verify']);
    if (verify.status !== 0 || !verify.stdout.includes(`the hash chain of ${runs + 1} records is intact`)) {
      throw new Error(`store: journal --verify on the ${name} store: exit ${verify.status}, expected ${runs + 1} records intact:\n${verify.stdout}${verify.stderr}`);
    }
    listings[name] = run(['journal', SPEC, '--root', work, '--store', store]).stdout.split('\n').slice(1).join('\n');
  }
  if (listings.file !== listings.postgres) throw new Error(`store: the two journals differ:\n${listings.file}\n---\n${listings.postgres}`);

  const { node, file, postgres } = result;
  const ratio = postgres.ratio.median;
  const figures = { storeFileMs: file.median, storePostgresMs: postgres.median, storePostgresOverFile: ratio };
  const row = (name, s) => {
    const r = ratioStats(s.times, node.times); // each round's pair
    return `| ${name} | ${s.runs} | ${fmt.ms(s.median)} | ${fmt.range(s)} | ${fmt.ratio(r.median)} (${fmt.ratio(r.min)} – ${fmt.ratio(r.max)}) |`;
  };
  const markdown = [
    HEADING,
    '',
    `\`rollgate evaluate specs/custom-command.yaml\` on the small custom-command state of the start-up table (9 gates, 4 triggers), as a later check: ` +
      `each run is one second after the previous one (\`--now\` advances 1 s a run; each store gets the same instants), so every run reads the rollout, observes, evaluates and commits one journal record. ` +
      `After the runs both journals hold ${runs + 1} records (the warm-up's included), \`journal --verify\` passes on both, and they list the same decisions. ` +
      'File store: a directory on the local disk (each commit fsyncs its files). ' +
      `PostgreSQL ${version}: a throwaway server the bench starts on 127.0.0.1 (ready in ${fmt.ms(startMs)}; fsync and synchronous_commit off, so no disk flush is timed on that side), schema by \`rollgate store init\`; ` +
      'each check opens a TCP connection, authenticates (scram-sha-256), and commits its record in one transaction. The three commands run interleaved, median of the runs shown after a warm-up (as many rounds as the time budget of the section allows).',
    '',
    '| command | runs | median | min – max | vs `node -e 0` (median, min – max of the ratios of the rounds) |',
    '| --- | --- | --- | --- | --- |',
    row('`node -e 0`', node),
    row('`rollgate evaluate … --store DIR`', file),
    row('`rollgate evaluate … --store postgres://…@127.0.0.1`', postgres),
    '',
    `PostgreSQL / file store: **${fmt.ratio(ratio)}** (the ratio of each round's pair: ${fmt.ratio(postgres.ratio.min)} – ${fmt.ratio(postgres.ratio.max)}; ${postgres.median >= file.median ? '+' : '−'}${fmt.ms(Math.abs(postgres.median - file.median))} a check).`,
  ].join('\n');
  const rows = [{ figure: 'a later `evaluate` on the small state, `--store postgres://` on loopback against `--store DIR`', a: postgres, b: file, ratio: postgres.ratio }];
  return { figures, markdown, rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-store-bench-'));
  try {
    const { markdown } = await storeFigures({ dir, runs: Number(values.runs), log: (msg) => process.stderr.write(`${msg}\n`) });
    process.stdout.write(`${markdown}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
