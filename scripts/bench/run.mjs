// `npm run bench`: measures the issue's figures in one run on this machine, through the CLI a user
// runs, each ratio from pairs run interleaved in the same loop, and writes BENCHMARKS.md (and the
// table between the bench markers of README.md).
//   node scripts/bench/run.mjs [--lines N] [--out FILE] [--readme FILE] [--budget S] [--keep] [--scratch DIR]
// --budget: seconds the measuring may take (default 240, so that `npm run bench`, build and clean-up
// included, ends within 5 minutes on a loaded 2-core machine): each section gets a share of what is left, run counts adapt to it.
// --scratch: where the generated files go (default: the system temp folder); a test gives its
// own folder, so it never sees (or sweeps) another bench's files.
// --readme: the file whose `<!-- bench:start -->` … `<!-- bench:end -->` block gets the table
// (default: README.md when --out is the default BENCHMARKS.md; otherwise none).
// --min-runs, --rollouts, --wide-surfaces, --wide-gates, --simulate-checks, --rule-evaluations,
// --serve-clients, --serve-requests, --store-runs: smaller for a smoke run.
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { logFigures } from './log.mjs';
import { simulateFigures } from './simulate.mjs';
import { serveResponsiveness } from './serve.mjs';
import { startupFigures } from './startup.mjs';
import { storeFigures } from './store.mjs';
import { wideFigures } from './wide.mjs';
import { runOnceFigures } from './run-once.mjs';
import { rulesFigures } from './rules.mjs';
import { reapStaleServers } from '../postgres/server.mjs';
import { Budget, NOISY_SPREAD, fmt, machine } from './lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '2000000' },
    'new-lines': { type: 'string', default: '10000' },
    budget: { type: 'string', default: '240' },
    'simulate-checks': { type: 'string', default: '100000' },
    rollouts: { type: 'string', default: '5000' },
    'wide-surfaces': { type: 'string', default: '200' },
    'wide-gates': { type: 'string', default: '100' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    readme: { type: 'string' },
    keep: { type: 'boolean', default: false },
    scratch: { type: 'string' },
    // The floor on rounds of the short, noisy figures (default: 10 for start-up and the later check, 5 for the rest).
    'min-runs': { type: 'string' },
    'rule-evaluations': { type: 'string', default: '200000' },
    'serve-clients': { type: 'string', default: '200' },
    'serve-requests': { type: 'string', default: '200' },
    // At most this many interleaved rounds of the file-store / PostgreSQL check (each about 0.5 s).
    'store-runs': { type: 'string', default: '20' },
  },
});
const lines = Number(values.lines);
const newLines = Number(values['new-lines']);
const minRuns = values['min-runs'] === undefined ? undefined : Number(values['min-runs']);
const scratch = values.scratch ?? tmpdir();
const readme = values.readme ?? (values.out === 'BENCHMARKS.md' ? join(root, 'README.md') : undefined);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
// A run stopped by Ctrl-C or a kill cannot clean up (its work is synchronous, so no handler
// would run in time): each run's directory carries its pid, and the next run removes those of
// runs that are gone, so the ~850 MB of generated logs never pile up.
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
// What the fixed-cost parts after the budgeted sections take (rules, serve, writing): kept aside.
const budgetMs = Number(values.budget) * 1000;
const RESERVE_MS = Math.min(15_000, budgetMs * 0.1);
const budget = new Budget(Math.max(0, budgetMs - RESERVE_MS), { startup: 12, scan: 30, gates: 45, incremental: 10, wide: 12, runOnce: 40, simulate: 60, store: 15 });
try {
  const m = machine();
  const loadBefore = m.load;
  log('start-up, interleaved: node -e 0, --version, validate specs/release.yaml, evaluate on a small state…');
  const st = startupFigures({ dir, minRuns: minRuns ?? 10, budgetMs: budget.take('startup') });
  const startupRows = [
    { figure: '`rollgate --version`, against `node -e 0`', a: st.version, b: st.node, ratio: st.version.ratio, target: '≤ 2.5×', met: st.version.ratio.median <= 2.5 },
    { figure: '`rollgate validate specs/release.yaml`, against `node -e 0`', a: st.validate, b: st.node, ratio: st.validate.ratio, target: '≤ 2.5×', met: st.validate.ratio.median <= 2.5 },
    { figure: '`rollgate evaluate specs/custom-command.yaml`, small state, first check, against `node -e 0`', a: st.evaluateSmall, b: st.node, ratio: st.evaluateSmall.ratio, target: '≤ 2.5×', met: st.evaluateSmall.ratio.median <= 2.5 },
  ];
  const big = logFigures({ dir, lines, newLines, budget, minRuns, log });
  const wide = wideFigures({ dir, surfaces: Number(values['wide-surfaces']), gates: Number(values['wide-gates']), minRuns, budgetMs: budget.take('wide'), log });
  const runOnce = runOnceFigures({ dir, rollouts: Number(values.rollouts), budgetMs: budget.take('runOnce'), leftMs: () => budget.leftMs, log });
  const sim = simulateFigures({ dir, checks: Number(values['simulate-checks']), budgetMs: budget.take('simulate'), log });
  const store = await storeFigures({ dir, runs: Number(values['store-runs']), minRuns, budgetMs: budget.take('store'), log });
  log('json-logic rules per second…');
  const rules = await rulesFigures({ dir, evaluations: Number(values['rule-evaluations']) });
  const serve = await serveResponsiveness({ dir, clients: Number(values['serve-clients']), requests: Number(values['serve-requests']), log });
  const total = (performance.now() - started) / 1000;
  const loadAfter = machine().load;

  const rows = [...big.rows.slice(0, 2), big.rows.at(-1), ...startupRows, ...sim.rows, ...wide.rows, ...runOnce.rows, ...big.rows.slice(2, -1), ...store.rows];
  const noisy = rows.filter((r) => spreadOf(r) > NOISY_SPREAD);
  const warning = noisy.length === 0 ? null :
    `**Warning: the machine was too noisy to trust ${noisy.length} of the ${rows.filter((r) => spreadOf(r) !== null).length} figures measured more than once** ` +
    `(a ratio of interleaved pairs, or a wall time or rate of its own, varied more than ${NOISY_SPREAD}× from round to round: ${noisy.map((r) => `${shortName(r.figure)} ${fmt.ratio(spreadOf(r))}`).join('; ')}). ` +
    `Load average ${loadBefore} before, ${loadAfter} after. Read their medians with care, or run again on a quiet machine.`;
  const nodeLine = `\`node -e 0\` ${fmt.ms(st.node.median)} (${fmt.range(st.node)}, ${st.node.runs} run${st.node.runs === 1 ? "" : "s"})`;
  const table = headlineTable(rows);
  const metCount = rows.filter((r) => r.target && r.met !== undefined && !r.skipped);
  const summary = `${metCount.filter((r) => r.met).length} of ${metCount.length} targets met.`;
  const intro = `Measured by \`npm run bench\` on ${m.date}: **${m.cpu}**, ${m.memory}, Node ${m.node}; ${nodeLine}; load average ${loadBefore} before, ${loadAfter} after; the run took ${total.toFixed(0)} s (budget ${values.budget} s).`;
  const howTo = 'Every ratio comes from pairs run interleaved in the same loop (A, B, A, B…, the order rotating): the ratio of each round\'s pair, then the median and min – max of those ratios; medians are of the same rounds. ' +
    'Headline figures are the CLI as a user runs it (`bin/rollgate.js`), whole process, start-up included. ' +
    `A ratio whose pairs spread more than ${NOISY_SPREAD}× (max / min), or a wall time whose runs do, is marked noisy. Run counts adapt to a time budget per section, so the numbers of runs differ.`;
  const doc = [
    '# Benchmarks',
    '',
    intro,
    '',
    ...(warning ? [warning, ''] : []),
    howTo,
    '',
    '## The issue\'s figures',
    '',
    summary,
    '',
    table,
    '',
    '## Details',
    '',
    big.markdown,
    '',
    store.markdown,
    '',
    rules.markdown,
    '',
    serve.markdown,
    '',
  ].join('\n');
  writeFileSync(values.out, doc);
  process.stdout.write(doc);
  if (warning) process.stderr.write(`bench: ${warning.replace(/\*\*/g, '')}\n`);
  if (readme) writeReadme(readme, [
    `Latest \`npm run bench\` (${m.date}, ${m.cpu}, Node ${m.node}; load average ${loadBefore}). Ratios, not times: every ratio is of pairs run interleaved in the same loop, median (min – max) over the rounds; [BENCHMARKS.md](BENCHMARKS.md) has the times, \`node -e 0\`, the baselines and the details. ${summary}`,
    '',
    ...(warning ? [warning.replace(/ Load average .*? after\./, ''), ''] : []),
    headlineTable(rows, { times: false }),
  ].join('\n'));
  log(`wrote ${values.out}${readme ? ` and the table in ${readme}` : ''} in ${total.toFixed(0)} s; ${summary}`);
} finally {
  cleanUp();
}

/** A row's figure without its baseline or details, for the noise warning. */
function shortName(figure) {
  return figure.replace(/, (against|share of) .*$/, '').replace(/ \(.*$/, '');
}

function headlineTable(rows, { times = true } = {}) {
  const r2 = (s, pct) => (pct ? `${(s.median * 100).toFixed(0)}% (${(s.min * 100).toFixed(0)} – ${(s.max * 100).toFixed(0)}%)` : `${fmt.ratio(s.median)} (${fmt.ratio(s.min)} – ${fmt.ratio(s.max)})`);
  // Without times (the README): the ratios and the figures that are targets themselves (checks/s, s, MB).
  const cells = (...c) => `| ${(times ? c : [c[0], ...c.slice(3)]).join(' | ')} |`;
  const out = [cells('figure', 'rollgate: median (min – max)', 'baseline: median (min – max)', times ? 'ratio: median (min – max) of the pairs' : 'ratio: median (min – max) of interleaved pairs, or the figure', 'target', ''), cells('---', '---', '---', '---', '---', '---')];
  for (const r of rows) {
    if (r.skipped) {
      out.push(cells(r.figure, '', '', '', r.target ?? '', r.skipped));
      continue;
    }
    let measured = r.a ? `${fmt.spread(r.a)}, ${r.a.runs} run${r.a.runs === 1 ? '' : 's'}` : '';
    let baseline = r.b ? fmt.spread(r.b) : '';
    let ratio = '';
    if (r.ratio) ratio = `**${r2(r.ratio, r.pct)}**${r.ratioText ? ` ${r.ratioText}` : ''}${r.ratio.runs === 1 ? ' (one pair: no spread)' : ''}`;
    if (r.value === 'time') ratio = `**${fmt.ms(r.timeMs)}**${r.projected ? ' (projected)' : ''}`;
    if (r.value === 'rate') ratio = `**${fmt.int(r.rate.median)} checks/s** (${fmt.int(r.rate.min)} – ${fmt.int(r.rate.max)})`;
    if (r.value === 'rss') {
      ratio = `**${fmt.mib(r.rssMiB)}** (${((r.rssMiB * 2 ** 20) / 1e6).toFixed(0)} MB) peak RSS; ${r.note}`;
      if (!times) ratio = ratio.replace(/^(.*?);.*\((\d+\.\d+×)\): (.*)$/, '$1; $2 the peak of a tenth of the checks: $3');
      measured = `${fmt.ms(r.a.median)}, ${r.a.runs} run${r.a.runs === 1 ? '' : 's'}`;
    }
    if (r.value === 'rssRatio') {
      ratio = `**${fmt.ratio(r.rssRatio)}** peak RSS (${fmt.mib(r.a.rssMiB)} against ${fmt.mib(r.b.rssMiB)})`;
      measured = fmt.mib(r.a.rssMiB);
      baseline = fmt.mib(r.b.rssMiB);
    }
    let verdict = r.target ? (r.met ? '**met**' : '**not met**') : '';
    if (r.projected) verdict += ' (judged from the smaller run)';
    if (spreadOf(r) > NOISY_SPREAD) verdict += `${verdict ? '; ' : ''}noisy: ${r.ratio ? 'pairs' : 'runs'} spread ${fmt.ratio(spreadOf(r))}`;
    out.push(cells(r.figure, measured, baseline, ratio, r.target ?? '', verdict));
  }
  return out.join('\n');
}

/**
 * How much a figure varied from round to round (max / min), or null when it was measured once:
 * a ratio's pairs, or the runs of a wall time or a rate that is a target itself (run --once, simulate).
 */
function spreadOf(r) {
  if (r.ratio) return r.ratio.runs > 1 ? r.ratio.spread : null;
  if ((r.value === 'time' || r.value === 'rate') && r.a && r.a.runs > 1) return r.a.max / r.a.min;
  return null;
}

/** Replaces the block between the bench markers of the README with `body`; leaves the rest as it is. */
function writeReadme(path, body) {
  const START = '<!-- bench:start (written by `npm run bench`: edits here are overwritten) -->';
  const END = '<!-- bench:end -->';
  const text = readFileSync(path, 'utf8');
  const i = text.indexOf('<!-- bench:start');
  const j = text.indexOf(END);
  if (i === -1 || j === -1 || j < i) {
    log(`${path} has no ${START} … ${END} block: its benchmark table is not updated`);
    return;
  }
  writeFileSync(path, `${text.slice(0, i)}${START}\n${body}\n${text.slice(j)}`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
