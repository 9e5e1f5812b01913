// Gate evaluation in process (the one library figure, not a headline: what a rule costs once
// the CLI has read its data): rollgate's strict json-logic interpreter against plain
// jsonLogic.apply on the custom-command canary-1 gates, the two alternating 5 times.
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOW } from './startup.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function rulesFigures({ dir, evaluations }) {
  const small = join(dir, 'rules');
  mkdirSync(join(small, '.tau'), { recursive: true });
  cpSync(join(root, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(small, '.tau/custom-command'), { recursive: true });
  const r = await rulesPerSecond(small, evaluations);
  const perSecond = (x) => Math.round(x).toLocaleString('en');
  const markdown = [
    '### Gate evaluation (in process)',
    '',
    `The custom-command canary-1 gates (6 rules) on a real check's data, ${evaluations.toLocaleString('en')} evaluations a run, 5 runs of each alternating: ` +
      `rollgate's interpreter (strict \`var\`, no coercion, boolean results) **${perSecond(r.strict.median)} rules/s** (${perSecond(r.strict.min)} – ${perSecond(r.strict.max)}), ` +
      `plain \`jsonLogic.apply\` ${perSecond(r.plain.median)} rules/s (${perSecond(r.plain.min)} – ${perSecond(r.plain.max)}); ratio ${(r.strict.median / r.plain.median).toFixed(2)}×.`,
  ].join('\n');
  return { markdown, figures: { rulesPerSecond: r.strict.median, plainRulesPerSecond: r.plain.median } };
}

/** Rules per second: rollgate's evaluateRule against json-logic-js (a dev dependency: rollgate has its own interpreter). */
async function rulesPerSecond(smallRoot, n) {
  const plain = createRequire(import.meta.url)('json-logic-js');
  const { evaluateRule } = await import(`${root}dist/rules/evaluate.js`);
  const { loadSpecFile } = await import(`${root}dist/spec/load-spec.js`);
  const { observeRollout } = await import(`${root}dist/observe/observe-rollout.js`);
  const { checkContext } = await import(`${root}dist/engine/check.js`);
  const { ruleData } = await import(`${root}dist/engine/rule-context.js`);
  const spec = loadSpecFile(`${root}specs/custom-command.yaml`).spec;
  const ctx = checkContext(spec, null, await observeRollout(spec, null, { root: smallRoot, nowMs: Date.parse(NOW) }), Date.parse(NOW));
  const work = spec.phases[0].gates.map((g) => ({ rule: g.rule, data: ruleData(ctx, g.each ? 'custom-command' : null) }));
  // (plain jsonLogic reads an unseen reason code as null, not 0: it may differ, it is only the speed baseline)
  for (const w of work) if (evaluateRule(w.rule, w.data).value !== true) throw new Error('the bench rules must pass on the sample state');
  const rate = (fn) => {
    for (let i = 0; i < n / 10; i++) fn(work[i % work.length]);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(work[i % work.length]);
    return n / ((performance.now() - t0) / 1000);
  };
  const samples = { strict: [], plain: [] };
  for (let k = 0; k < 5; k++) {
    samples.strict.push(rate((w) => evaluateRule(w.rule, w.data)));
    samples.plain.push(rate((w) => plain.apply(w.rule, w.data)));
  }
  const summary = (xs) => {
    xs.sort((a, b) => a - b);
    return { median: xs[2], min: xs[0], max: xs[4] };
  };
  return { strict: summary(samples.strict), plain: summary(samples.plain) };
}
