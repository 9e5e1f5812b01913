// `npm run bench`: measures everything in one run on this machine and writes BENCHMARKS.md.
//   node scripts/bench/run.mjs [--lines N] [--runs N] [--out FILE] [--keep] [--scratch DIR]
// --scratch: where the generated files go (default: the system temp folder); a test gives its
// own folder, so it never sees (or sweeps) another bench's files.
// --min-runs, --rule-evaluations, --serve-clients, --serve-requests, --store-runs: smaller for a
// smoke run.
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventCounting } from './event-counting.mjs';
import { simulateThroughput } from './simulate.mjs';
import { serveResponsiveness } from './serve.mjs';
import { cliFigures } from './cli.mjs';
import { storeFigures } from './store.mjs';
import { reapStaleServers } from '../postgres/server.mjs';
import { machine } from './lib.mjs';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '2000000' },
    'new-lines': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    'simulate-checks': { type: 'string', default: '100000' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    keep: { type: 'boolean', default: false },
    scratch: { type: 'string' },
    // The floor on runs of the short, noisy figures (default: 10 for start-up, 15 for incremental reads).
    'min-runs': { type: 'string' },
    'rule-evaluations': { type: 'string', default: '200000' },
    'serve-clients': { type: 'string', default: '200' },
    'serve-requests': { type: 'string', default: '200' },
    // Interleaved runs of the file-store / PostgreSQL check (each about 0.2 s, three commands a round).
    'store-runs': { type: 'string', default: '20' },
  },
});
const lines = Number(values.lines);
const newLines = Number(values['new-lines']);
const runs = Number(values.runs);
const minRuns = values['min-runs'] === undefined ? undefined : Number(values['min-runs']);
const scratch = values.scratch ?? tmpdir();
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
// A run stopped by Ctrl-C or a kill cannot clean up (its work is synchronous, so no handler
// would run in time): each run's directory carries its pid, and the next run removes those of
// runs that are gone, so the ~440 MB of generated logs never pile up.
for (const name of readdirSync(scratch)) {
  const pid = /^rollgate-bench-(\d+)-/.exec(name)?.[1];
  if (pid && !alive(Number(pid))) rmSync(join(scratch, name), { recursive: true, force: true });
}
// The same for the PostgreSQL server of the store section (a process of its own, in the system
// temp folder so that `nobody` can run it): the servers whose owner is gone are stopped and removed.
for (const gone of reapStaleServers()) log(`stopped and removed ${gone}, a server left by a run that was killed`);
const dir = mkdtempSync(join(scratch, `rollgate-bench-${process.pid}-`));
const cleanUp = () => {
  if (!values.keep) return rmSync(dir, { recursive: true, force: true });
  const kept = dir.replace(`-${process.pid}-`, '-kept-'); // out of the next run's sweep
  renameSync(dir, kept);
  log(`kept the generated files in ${kept}`);
};
const started = performance.now();
try {
  const m = machine();
  const counting = eventCounting({ dir, lines, newLines, runs, minRuns, log });
  const cli = await cliFigures({ dir, lines, newLines, runs, minRuns, ruleEvaluations: Number(values['rule-evaluations']), log });
  const store = await storeFigures({ dir, runs: Number(values['store-runs']), log });
  const sim = await simulateThroughput({ checks: Number(values['simulate-checks']), runs, log });
  const serve = await serveResponsiveness({ dir, clients: Number(values['serve-clients']), requests: Number(values['serve-requests']), log });
  const total = (performance.now() - started) / 1000;
  const doc = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` (\`node scripts/bench/run.mjs\`) on ${m.date}: ${m.cpu}, ${m.memory}, Node ${m.node}. ` +
      `Each figure is compared with a baseline measured in the same run, because these machines are noisy. The whole run took ${total.toFixed(0)} s.`,
    '',
    cli.markdown,
    '',
    store.markdown,
    '',
    counting.markdown,
    '',
    sim.markdown,
    '',
    serve.markdown,
    '',
  ].join('\n');
  writeFileSync(values.out, doc);
  process.stdout.write(doc);
  log(`wrote ${values.out}; figures: ${JSON.stringify({ ...cli.figures, ...store.figures, ...counting.figures, ...sim.figures, ...serve.figures })}`);
} finally {
  cleanUp();
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
