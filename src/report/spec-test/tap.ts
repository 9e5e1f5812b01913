/**
 * TAP: a test point per case (`not ok` with what failed, where, and the diff), per diagnostic of
 * an invalid or missing test file or spec, and per gate and trigger of each spec's coverage (`ok`
 * when tested both ways; a gap is `not ok … # TODO` unless --require-coverage makes it fail).
 */
import { bothWays } from '../../spec-test/coverage.js';
import { formatDiagnostic, formatPosition } from '../diagnostic.js';
import { textLines } from '../escape.js';
import { tapLines, type TapPoint } from '../tap.js';
import type { TestRenderer } from './index.js';
import { gapOf, itemLabel, summaryLine } from './summary.js';

export const renderTap: TestRenderer = (run, ctx) => {
  const points: TapPoint[] = [];
  for (const f of run.files) {
    for (const d of f.diagnostics) {
      points.push({
        ok: false,
        description: formatDiagnostic(d),
        ...(d.severity === 'warning' ? { todo: 'warning' } : {}),
        diagnostics: { message: d.message, severity: d.severity, at: formatPosition(d), code: d.code },
      });
    }
    if (f.status !== 'ok' && !f.diagnostics.some((d) => d.severity === 'error')) {
      points.push({ ok: false, description: `${f.file} is ${f.status}`, diagnostics: { message: `the test file or its spec is ${f.status}; its cases did not run`, severity: 'error', at: f.file } });
    }
    for (const c of f.cases) {
      const first = c.failures[0];
      points.push({
        ok: c.status === 'pass',
        description: `${f.file}: ${c.name}`,
        diagnostics: first && {
          message: c.failures.map((x) => x.message).join('; '),
          severity: 'error',
          at: formatPosition({ file: f.file, line: first.expectation.line, col: first.expectation.col }),
          expectation: first.expectation.text,
          expected: first.expected,
          actual: first.actual,
          ...(c.failures.length > 1 ? { failures: c.failures.map((x) => `${formatPosition({ file: f.file, line: x.expectation.line, col: x.expectation.col })}: ${x.message}`) } : {}),
          end: c.end,
        },
      });
    }
  }
  for (const c of run.coverage) {
    for (const item of c.items) {
      const covered = bothWays(item);
      points.push({
        ok: covered,
        description: `coverage of ${c.rollout}: ${itemLabel(item)}`,
        ...(covered || ctx && ctx.requireCoverage ? {} : { todo: 'not tested both ways' }),
        diagnostics: covered ? undefined : { message: `${itemLabel(item)} is not tested both ways: ${gapOf(item)}`, severity: ctx && ctx.requireCoverage ? 'error' : 'warning', at: formatPosition(item.source) },
      });
    }
  }
  return { stdout: textLines(tapLines(points, { tail: [`summary: ${summaryLine(run)}`] })), stderr: '' };
};
