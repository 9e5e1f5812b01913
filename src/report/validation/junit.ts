/** JUnit XML: one test case per spec file, one failure listing its errors. */
import type { ValidationRenderer } from './index.js';
import { errorsOf, where } from './summary.js';

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');

export const renderJunit: ValidationRenderer = (results) => {
  const failures = results.filter((r) => errorsOf(r).length > 0).length;
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="rollgate validate" tests="${results.length}" failures="${failures}">\n`;
  out += `  <testsuite name="rollgate validate" tests="${results.length}" failures="${failures}" errors="0">\n`;
  for (const r of results) {
    const errors = errorsOf(r);
    out += `    <testcase classname="rollgate.validate" name="${xml(r.file)}"`;
    if (errors.length === 0) {
      out += ' />\n';
      continue;
    }
    const body = errors.map((d) => `${where(d)}: ${d.message}`).join('\n');
    out += `>\n      <failure message="${xml(`${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.message}`)}" type="invalid-spec">${xml(body)}</failure>\n    </testcase>\n`;
  }
  out += '  </testsuite>\n</testsuites>\n';
  return { stdout: out, stderr: '' };
};
