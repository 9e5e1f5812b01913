// A wide rollout: `rollgate evaluate` of a generated spec with 200 surfaces × 100 gates (each gate
// `each: surfaces`, so 20,000 rule evaluations), every surface a state directory copied from the
// producer's dashboard sample, against `node -e 0`, interleaved.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeInterleaved } from './lib.mjs';
import { NOW } from './startup.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

const RULES = [
  (k) => `{ "==": [ { var: surface.rollout_gate }, pass ] }`,
  (k) => `{ and: [ { var: surface.present }, { "!": { var: surface.stale } } ] }`,
  (k) => `{ "==": [ { var: surface.health.failure_streak }, 0 ] }`,
  (k) => `{ "<=": [ { var: surface.health.queue_depth }, ${1 + (k % 5)} ] }`,
  (k) => `{ "==": [ { var: surface.events.phase.case_processing_failed }, 0 ] }`,
  (k) => `{ ">=": [ { var: surface.events.total.widget_views_updated }, 0 ] }`,
  (k) => `{ "<=": [ { var: surface.events.check.retry_attempted }, ${k} ] }`,
  (k) => `{ "==": [ { var: surface.health.last_cycle_failed }, 0 ] }`,
];

export function wideSpec(surfaces, gates) {
  const lines = ['apiVersion: rollgate/v1', 'kind: Rollout', 'metadata: { name: wide }', 'surfaces:'];
  for (let s = 0; s < surfaces; s++) lines.push(`  s${s}: { stateDir: .tau/s${s}, kind: dashboard, staleAfter: 15m }`);
  lines.push('phases:', '  - name: canary-1', '    traffic: 5', '    soak: 30m', '    gates:');
  for (let g = 0; g < gates; g++) lines.push(`      - name: gate-${g}`, '        each: surfaces', `        rule: ${RULES[g % RULES.length](g)}`);
  lines.push('  - name: general-availability', '    traffic: 100', '    soak: 0', '');
  return lines.join('\n');
}

export function wideFigures({ dir, surfaces = 200, gates = 100, minRuns, budgetMs, log }) {
  const work = join(dir, 'wide');
  for (let s = 0; s < surfaces; s++) {
    mkdirSync(join(work, '.tau', `s${s}`), { recursive: true });
    cpSync(join(root, 'fixtures/tau-samples/runtime-dashboard-healthy'), join(work, '.tau', `s${s}`), { recursive: true });
  }
  writeFileSync(join(work, 'wide.yaml'), wideSpec(surfaces, gates));
  const store = join(work, '.rollgate');
  log(`evaluate of ${surfaces} surfaces × ${gates} gates, interleaved with node -e 0…`);
  const r = timeInterleaved({
    node: { argv: [process.execPath, '-e', '0'] },
    evaluate: {
      argv: [process.execPath, `${root}bin/rollgate.js`, 'evaluate', join(work, 'wide.yaml'), '--root', work, '--store', store, '--now', NOW],
      before: () => rmSync(store, { recursive: true, force: true }),
      expectExit: 0,
      check: (stdout) => { if (!/^WAIT .*\n[\s\S]*gates \(\d+ pass\)/.test(stdout)) throw new Error(`the wide evaluate did not wait (all gates pass, soaking): ${stdout.slice(0, 500)}`); },
    },
  }, { minRuns: minRuns ?? 5, maxRuns: 30, budgetMs, baseline: 'node' });
  rmSync(work, { recursive: true, force: true });
  return {
    rows: [{ figure: `\`evaluate\` of ${surfaces} surfaces × ${gates} gates (${(surfaces * gates).toLocaleString("en")} rule evaluations), against \`node -e 0\``, a: r.evaluate, b: r.node, ratio: r.evaluate.ratio, target: '≤ 3×', met: r.evaluate.ratio.median <= 3 }],
  };
}
