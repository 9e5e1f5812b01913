/** JUnit XML: one test case per spec file, one failure listing its errors. */
import { xml, xmlLines } from '../escape.js';
import type { ValidationRenderer } from './index.js';
import { formatPosition } from '../diagnostic.js';
import { errorsOf } from './summary.js';


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
    const body = xmlLines(errors.map((d) => `${formatPosition(d)}: ${d.message}`));
    out += `>\n      <failure message="${xml(`${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.message}`)}" type="invalid-spec">${body}</failure>\n    </testcase>\n`;
  }
  out += '  </testsuite>\n</testsuites>\n';
  return { stdout: out, stderr: '' };
};
