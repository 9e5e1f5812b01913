// simulate checks/s of one or more built rollgate trees, interleaved (A, B, A, B, …) so machine noise hits both:
// node scripts/bench/simulate-ab.mjs /path/to/old-checkout /path/to/this-checkout [rounds]
const dirs = process.argv.slice(2).filter((a) => !/^\d+$/.test(a));
const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const checks = 20000;
async function rate(dir) {
  const { simulate } = await import(`${dir}/dist/simulate/simulate.js`);
  const { normalizeTimeline } = await import(`${dir}/dist/simulate/timeline.js`);
  const { loadSpecFile } = await import(`${dir}/dist/spec/load-spec.js`);
  const { parseYaml } = await import(`${dir}/dist/spec/parse-yaml.js`);
  const spec = loadSpecFile(`${dir}/specs/custom-command.yaml`).spec;
  const text = `until: ${checks - 1}s\nevery: 1s\nsurfaces:\n  custom-command: { cycle: [ command_runs_recorded ] }\nevents:\n  - { at: 30h, degrade: true }\n`;
  const parsed = parseYaml(text, 'bench.yaml');
  const { timeline } = normalizeTimeline(parsed.value, 'bench.yaml', dir + '/', parsed.sourceMap, []);
  await simulate(spec, timeline, { trace: false, onRecord: () => {} }); // warm-up
  const t = performance.now();
  await simulate(spec, timeline, { trace: false, onRecord: () => {} });
  return Math.round(checks / ((performance.now() - t) / 1000));
}
for (let r = 0; r < rounds; r++) for (const dir of dirs) console.log(`${dir}\t${await rate(dir)} checks/s`);
