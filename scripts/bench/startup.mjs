// Start-up of the built CLI against `node -e 0`, measured interleaved (node, --version,
// validate, small evaluate, node, …) so that the ratios compare runs made under the same load:
// `validate` and a small `evaluate` must start within 2.5× `node -e 0`.
//   node scripts/bench/startup.mjs [--runs N] [TREE …]
// Each TREE is a built checkout (default: this one); with several, their runs interleave too,
// so an old and a new tree can be compared on a busy machine. run.mjs uses startupFigures for
// the figures of `npm run bench`.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, timeInterleaved } from './lib.mjs';

const here = fileURLToPath(new URL('../../', import.meta.url));
export const NOW = '2026-02-16T00:06:00Z';

/** The start-up commands of one tree: --version, validate of the largest bundled spec, one evaluate on a small state. */
export function startupCommands(tree, dir, prefix = '') {
  const rollgate = (...args) => [process.execPath, join(tree, 'bin/rollgate.js'), ...args];
  const small = join(dir, 'small');
  mkdirSync(join(small, '.tau'), { recursive: true });
  cpSync(join(tree, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(small, '.tau/custom-command'), { recursive: true });
  const store = join(small, '.rollgate');
  return {
    [`${prefix}version`]: { argv: rollgate('--version'), expectExit: 0 },
    [`${prefix}validate`]: { argv: rollgate('validate', join(tree, 'specs/release.yaml')), expectExit: 0 },
    [`${prefix}evaluateSmall`]: {
      argv: rollgate('evaluate', join(tree, 'specs/custom-command.yaml'), '--root', small, '--store', store, '--now', NOW),
      before: () => rmSync(store, { recursive: true, force: true }),
      expectExit: 0,
    },
  };
}

/** Start-up stats of this tree: { node, version, validate, evaluateSmall }, interleaved, each with its per-round ratio to node. */
export function startupFigures({ dir, minRuns = 10, maxRuns = 40, budgetMs }) {
  return timeInterleaved({ node: { argv: [process.execPath, '-e', '0'] }, ...startupCommands(here, dir) }, { minRuns, maxRuns, budgetMs, baseline: 'node' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '15' } }, allowPositionals: true });
  const trees = positionals.length > 0 ? positionals.map((t) => resolve(t)) : [here];
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-startup-'));
  try {
    const commands = { node: { argv: [process.execPath, '-e', '0'] } };
    trees.forEach((tree, i) => Object.assign(commands, startupCommands(tree, join(dir, String(i)), `${i}:`)));
    const result = timeInterleaved(commands, { runs: Number(values.runs), baseline: 'node' });
    const node = result.node;
    console.log(`node -e 0: median ${fmt.ms(node.median)} (${fmt.range(node)}, ${node.runs} runs, interleaved)`);
    trees.forEach((tree, i) => {
      console.log(tree);
      for (const name of ['version', 'validate', 'evaluateSmall']) {
        const s = result[`${i}:${name}`];
        console.log(`  ${name.padEnd(14)} median ${fmt.ms(s.median).padStart(8)}  (${fmt.range(s)})  ${fmt.ratio(s.ratio.median)} node -e 0 (pairs ${fmt.ratio(s.ratio.min)} – ${fmt.ratio(s.ratio.max)})`);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
