/**
 * JUnit XML: each gate and trigger (per surface) is a test case. Where a failing one is written
 * in the spec ends its message, `(file:line:col)`: the Jenkins junit-10.xsd has no `file` or
 * `line` attribute on a testcase.
 */
import { xml, xmlLines } from '../escape.js';
import type { DecisionRenderer } from './index.js';
import { atPosition, where } from './words.js';


export const renderJunit: DecisionRenderer = (r) => {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const g of r.gates) {
    const name = xml(`gate ${g.name}${where(g.surface)}`);
    if (g.result === 'pass') cases.push(`    <testcase classname="rollgate.${xml(r.rollout)}.gates" name="${name}" />`);
    else {
      if (g.result === 'fail') failures++;
      else errors++;
      const tag = g.result === 'fail' ? 'failure' : 'error';
      cases.push(`    <testcase classname="rollgate.${xml(r.rollout)}.gates" name="${name}">\n      <${tag} message="${xml(g.message + atPosition(g.source))}">${xmlLines(g.trace)}</${tag}>\n    </testcase>`);
    }
  }
  for (const t of r.triggers) {
    const name = xml(`trigger ${t.name}${where(t.surface)}`);
    if (t.fired || t.matched === null) {
      if (t.fired) failures++;
      else errors++;
      const tag = t.fired ? 'failure' : 'error';
      cases.push(`    <testcase classname="rollgate.${xml(r.rollout)}.triggers" name="${name}">\n      <${tag} message="${xml(`${t.fired ? `fired (${t.action})` : 'error'}: ${t.message}${atPosition(t.source)}`)}">${xmlLines(t.trace)}</${tag}>\n    </testcase>`);
    } else cases.push(`    <testcase classname="rollgate.${xml(r.rollout)}.triggers" name="${name}" />`);
  }
  const suite = xml(`rollgate evaluate ${r.rollout}: ${r.decision} (${r.phase.name})`);
  const stdout = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rollgate evaluate" tests="${cases.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="${errors}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
  return { stdout };
};
