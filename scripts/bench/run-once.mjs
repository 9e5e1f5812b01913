// `rollgate run --once` over a folder of 5,000 small rollouts (one surface, two gates, each its
// own state directory copied from the producer's dashboard sample), as system cron runs it:
// wall time (target < 10 s) and peak RSS (`/usr/bin/time -f %M`), interleaved with the same run
// over a tenth of the rollouts, so the RSS ratio says whether memory stays flat as rollouts grow.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canMeasureRss, fmt, timeInterleaved } from './lib.mjs';
import { NOW } from './startup.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

const smallSpec = (i) => `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: r${i} }
surfaces:
  app: { stateDir: .tau/r${i}, kind: dashboard, staleAfter: 15m }
schedule: { cron: "*/5 * * * *", timezone: UTC }
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - { name: healthy, each: surfaces, rule: { "==": [ { var: surface.rollout_gate }, pass ] } }
      - { name: no-failures, each: surfaces, rule: { "==": [ { var: surface.events.phase.case_processing_failed }, 0 ] } }
  - name: general-availability
    traffic: 100
    soak: 0
`;

export function runOnceFigures({ dir, rollouts = 5000, budgetMs, leftMs = () => Infinity, log }) {
  const work = join(dir, 'run-once');
  const makeSet = (name, n) => {
    mkdirSync(join(work, name, 'specs'), { recursive: true });
    for (let i = 0; i < n; i++) {
      writeFileSync(join(work, name, 'specs', `r${i}.yaml`), smallSpec(i));
      mkdirSync(join(work, name, '.tau', `r${i}`), { recursive: true });
      cpSync(join(root, 'fixtures/tau-samples/runtime-dashboard-healthy'), join(work, name, '.tau', `r${i}`), { recursive: true });
    }
  };
  // Each run checks every rollout for the first time, in a store of its own: removing the last
  // run's store instead (20,000 inodes) would make this run's creates slow on ext4, which skips
  // recently freed inodes, and that cost is the benchmark's, not a user's (a cron user's store
  // stays). The stores go with the section's folder. Before each run, `sync`: the disk is not
  // still writing out the files made before it (the log, the wide tree, these specs).
  let runs = 0;
  const command = (name, n) => {
    const base = join(work, name);
    return {
      argv: () => [process.execPath, `${root}bin/rollgate.js`, 'run', '--once', join(base, 'specs'), '--root', base, '--store', join(base, `.rollgate-${++runs}`), '--now', NOW],
      before: () => spawnSync('sync'),
      expectExit: 0,
      check: (stdout) => {
        const checks = stdout.split('\n').filter((l) => l.trim() !== '').length;
        if (checks !== n) throw new Error(`run --once printed ${checks} checks, expected ${n}`);
      },
    };
  };
  const rss = canMeasureRss();
  const small = Math.max(1, Math.round(rollouts / 10));
  makeSet('small', small);
  // The small set once first (a warm-up): a tenth of the rollouts says what the full run will cost.
  const t0 = performance.now();
  timeInterleaved({ small: command('small', small) }, { runs: 1, warmup: false });
  const perRolloutMs = (performance.now() - t0) / small; // start-up included: an overestimate
  // This section's share of the budget, or up to half of what is left (the figure is worth it).
  const allowedMs = Math.max(budgetMs, 0.5 * leftMs());
  let n = rollouts;
  if (perRolloutMs * (rollouts + small) > allowedMs) n = Math.max(small, Math.floor((allowedMs / perRolloutMs - small) / 100) * 100);
  const reduced = n < rollouts;
  if (reduced) log(`run --once: ${fmt.int(rollouts)} rollouts would take about ${fmt.ms(perRolloutMs * rollouts)} at the rate of ${fmt.int(small)}, more than the time budget allows: measuring ${fmt.int(n)}`);
  makeSet('full', n);
  log(`run --once over ${fmt.int(n)} rollouts, interleaved with ${fmt.int(small)}${rss ? ', peak RSS by /usr/bin/time' : ''}…`);
  const r = timeInterleaved({ small: command('small', small), full: command('full', n) }, { minRuns: 1, maxRuns: 5, warmup: false, budgetMs: allowedMs, baseline: 'small', rss });
  rmSync(work, { recursive: true, force: true }); // ~10,000 small files: removed within the section's time, not at the end
  const projectedMs = r.full.median * (rollouts / n);
  const rows = [reduced ? {
    figure: `\`run --once\` over ${fmt.int(rollouts)} small rollouts (a folder of specs), wall time (measured over ${fmt.int(n)} to fit the time budget: ${fmt.ms(r.full.median)}; ${fmt.int(rollouts)} projected)`,
    a: r.full, value: 'time', timeMs: projectedMs, target: '< 10 s', met: projectedMs < 10_000, projected: true,
  } : {
    figure: `\`run --once\` over ${fmt.int(rollouts)} small rollouts (a folder of specs), wall time`, a: r.full, value: 'time', timeMs: r.full.median, target: '< 10 s', met: r.full.median < 10_000,
  }];
  if (rss) {
    rows.push({ figure: `\`run --once\`, peak RSS over ${fmt.int(n)} rollouts against ${fmt.int(small)} (flat memory)`, a: r.full, b: r.small, value: 'rssRatio', rssRatio: r.full.rssMiB / r.small.rssMiB, target: 'flat (≤ 1.5×)', met: r.full.rssMiB / r.small.rssMiB <= 1.5 });
  }
  return { rows };
}
