// `rollgate simulate` as a user runs it: the CLI on a timeline of N checks (one a second) on
// specs/custom-command.yaml, whole-process wall time (checks/s = N / wall time, start-up included)
// and peak RSS (`/usr/bin/time -f %M`). A calibration run of N/10 checks first: its rate sizes
// the rest to the section's budget (fewer checks if N would not fit, said in the output), and its
// RSS against N's says whether memory grows with the checks. The 1,000,000-check RSS run happens
// only when the measured rate says it fits in what is left of the budget; otherwise the row says
// so and judges from N's RSS and its growth.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canMeasureRss, fmt, timeInterleaved } from './lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RSS_CHECKS = 1_000_000;
const RSS_TARGET_MB = 150;

export function simulateFigures({ dir, checks, budgetMs, log }) {
  const started = performance.now();
  const timeline = (n) => {
    const file = join(dir, `timeline-${n}.yaml`);
    writeFileSync(file, `until: ${n - 1}s\nevery: 1s\nsurfaces:\n  custom-command: { cycle: [ command_runs_recorded ] }\nevents:\n  - { at: 30h, degrade: true }\n`);
    return file;
  };
  const rss = canMeasureRss();
  const command = (n) => ({
    argv: [process.execPath, `${root}bin/rollgate.js`, 'simulate', `${root}specs/custom-command.yaml`, '--timeline', timeline(n)],
    check: (stdout) => { if (!stdout.includes(`: ${n} checks`)) throw new Error(`simulate did not replay ${n} checks: ${stdout.slice(0, 300)}`); },
  });
  const calibrationChecks = Math.max(10, Math.round(checks / 10));
  log(`simulate: calibration, ${calibrationChecks.toLocaleString('en')} checks…`);
  const cal = timeInterleaved({ sim: command(calibrationChecks) }, { runs: 1, warmup: false, rss });
  const calRate = calibrationChecks / (cal.sim.median / 1000);
  const left = () => budgetMs - (performance.now() - started);
  let n = checks;
  let reduced = false;
  if (n / calRate * 1000 > left()) {
    n = Math.max(calibrationChecks, Math.floor((calRate * left()) / 1000 / 1000) * 1000);
    reduced = true;
  }
  log(`simulate: ${n.toLocaleString('en')} checks${reduced ? ` (not ${checks.toLocaleString('en')}: at ${fmt.int(calRate)} checks/s it would not fit the section's budget)` : ''}…`);
  // Leave room for the 1M RSS run when the rate says it fits.
  const main = timeInterleaved({ sim: command(n) }, { minRuns: 1, maxRuns: 5, warmup: false, rss, budgetMs: Math.max(0, left() * 0.5) });
  const rate = (ms) => n / (ms / 1000);
  const rates = { median: rate(main.sim.median), min: rate(main.sim.max), max: rate(main.sim.min), runs: main.sim.runs, spread: main.sim.max / main.sim.min };
  const rows = [{
    figure: `\`simulate\` CLI, ${n.toLocaleString('en')} checks of specs/custom-command.yaml${reduced ? ` (reduced from ${checks.toLocaleString('en')} to fit the time budget)` : ''}`,
    a: main.sim, value: 'rate', rate: rates, target: '≥ 20,000 checks/s', met: rates.median >= 20_000,
  }];
  if (rss) {
    const growth = main.sim.rssMiB / cal.sim.rssMiB;
    const projectedMs = (RSS_CHECKS / rates.median) * 1000;
    let row;
    if (projectedMs < left()) {
      log(`simulate: ${RSS_CHECKS.toLocaleString('en')} checks for the peak RSS…`);
      const big = timeInterleaved({ sim: command(RSS_CHECKS) }, { runs: 1, warmup: false, rss: true });
      const mb = (big.sim.rssMiB * 2 ** 20) / 1e6;
      row = { figure: `\`simulate\` CLI, peak RSS of ${RSS_CHECKS.toLocaleString('en')} checks`, a: big.sim, value: 'rss', rssMiB: big.sim.rssMiB, note: `${fmt.mib(cal.sim.rssMiB)} at ${calibrationChecks.toLocaleString('en')} checks, ${fmt.mib(main.sim.rssMiB)} at ${n.toLocaleString('en')}`, target: `< ${RSS_TARGET_MB} MB`, met: mb < RSS_TARGET_MB };
    } else {
      const mb = (main.sim.rssMiB * 2 ** 20) / 1e6;
      // Not run: judged from N's peak and its growth from N/10 (a peak that grows with the checks only gets bigger at 1M).
      const met = mb < RSS_TARGET_MB && growth <= 1.1;
      row = {
        figure: `\`simulate\` CLI, peak RSS (${RSS_CHECKS.toLocaleString('en')} checks not run: ${fmt.ms(projectedMs)} at the measured rate, more than the ${fmt.ms(Math.max(0, left()))} left of the budget; measured at ${n.toLocaleString('en')})`,
        a: main.sim, value: 'rss', rssMiB: main.sim.rssMiB,
        note: `${fmt.mib(cal.sim.rssMiB)} at ${calibrationChecks.toLocaleString('en')} checks → ${fmt.mib(main.sim.rssMiB)} at ${n.toLocaleString('en')} (${fmt.ratio(growth)}): ${growth <= 1.1 ? 'flat' : 'it grows with the checks'}`,
        target: `< ${RSS_TARGET_MB} MB at ${RSS_CHECKS.toLocaleString('en')}`, met, projected: true,
      };
    }
    rows.push(row);
  }
  return { rows, checks: n, reduced };
}
