/** JUnit XML: a test suite per test file, a test case per case; an invalid file is one errored case. */
import { xml, xmlLines } from '../escape.js';
import type { TestRenderer } from './index.js';
import { formatPosition } from '../diagnostic.js';

export const renderJunit: TestRenderer = (run) => {
  const s = run.summary;
  const errors = s.invalid + s.missing;
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="rollgate test" tests="${s.cases + errors}" failures="${s.failed}" errors="${errors}">\n`;
  for (const f of run.files) {
    if (f.status !== 'ok') {
      const body = xmlLines(f.diagnostics.map((d) => `${formatPosition(d)}: ${d.message}`));
      out += `  <testsuite name="${xml(f.file)}" tests="1" failures="0" errors="1">\n`;
      out += `    <testcase classname="rollgate.test" name="${xml(f.file)}">\n      <error message="${xml(`the test file ${f.status === 'missing' ? 'or its spec is missing' : 'or its spec is invalid'}`)}" type="${f.status}">${body}</error>\n    </testcase>\n  </testsuite>\n`;
      continue;
    }
    const failed = f.cases.filter((c) => c.status === 'fail').length;
    const time = f.cases.reduce((t, c) => t + c.ms, 0) / 1000;
    out += `  <testsuite name="${xml(f.file)}" tests="${f.cases.length}" failures="${failed}" errors="0" time="${time.toFixed(3)}">\n`;
    for (const c of f.cases) {
      out += `    <testcase classname="${xml(`rollgate.${f.rollout}`)}" name="${xml(c.name)}" file="${xml(f.file)}" line="${c.line}" time="${(c.ms / 1000).toFixed(3)}"`;
      if (c.status === 'pass') {
        out += ' />\n';
        continue;
      }
      const body = c.failures.map((x) => xmlLines([`${formatPosition({ file: f.file, line: x.expectation.line, col: x.expectation.col })}: ${x.expectation.text}`, x.message, ...x.expected.map((l) => `- ${l}`), ...x.actual.map((l) => `+ ${l}`)])).join('\n\n');
      out += `>\n      <failure message="${xml(c.failures[0]!.message)}" type="expectation">${body}</failure>\n    </testcase>\n`;
    }
    out += '  </testsuite>\n';
  }
  out += '</testsuites>\n';
  return { stdout: out, stderr: '' };
};
