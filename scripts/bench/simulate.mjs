// simulate throughput: a synthetic timeline of N checks (one a second) on specs/custom-command.yaml,
// replayed through the real files and engine, against reading the same spec (the fixed cost).
import { fileURLToPath } from 'node:url';
import { simulate } from '../../dist/simulate/simulate.js';
import { normalizeTimeline } from '../../dist/simulate/timeline.js';
import { loadSpecFile } from '../../dist/spec/load-spec.js';
import { parseYaml } from '../../dist/spec/parse-yaml.js';
import { fmt, timeAsync } from './lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function simulateThroughput({ checks, runs, log }) {
  const spec = loadSpecFile(`${root}specs/custom-command.yaml`).spec;
  const text = `until: ${checks - 1}s\nevery: 1s\nsurfaces:\n  custom-command: { cycle: [ command_runs_recorded ] }\nevents:\n  - { at: 30h, degrade: true }\n`;
  const parsed = parseYaml(text, 'bench.yaml');
  const { timeline } = normalizeTimeline(parsed.value, 'bench.yaml', root, parsed.sourceMap, []);
  log(`simulate: ${checks.toLocaleString('en')} checks…`);
  let counted = 0;
  const run = await timeAsync(() => simulate(spec, timeline, { trace: false, onRecord: () => counted++ }), { runs });
  if (counted !== checks * (runs + 1)) throw new Error(`simulate ran ${counted} checks, expected ${checks} per run`);
  const rate = checks / (run.median / 1000);
  return {
    figures: { simulateChecksPerSecond: rate },
    markdown: [
      `### simulate: ${checks.toLocaleString('en')} checks`,
      '',
      `One check a second on specs/custom-command.yaml (9 gates, 4 triggers, one surface whose runtime writes a cycle before every check), through general availability: ` +
        `median ${fmt.ms(run.median)} (${fmt.range(run)}, ${run.runs} runs after a warm-up): **${Math.round(rate).toLocaleString('en')} checks/s**.`,
    ].join('\n'),
  };
}
