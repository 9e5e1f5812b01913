/** Test-runner output: a line per case, the diff of a failure, then coverage and a summary line. */
import { sides } from '../../spec-test/coverage.js';
import type { TestRun } from '../../spec-test/run-tests.js';
import { textLines } from '../escape.js';
import type { TestRenderer } from './index.js';
import { formatDiagnostic, formatPosition } from '../diagnostic.js';
import { itemLabel, summaryLine } from './summary.js';

export const renderText: TestRenderer = (run: TestRun) => {
  const out: string[] = [];
  const stderr: string[] = [];
  for (const f of run.files) {
    for (const d of f.diagnostics) stderr.push(formatDiagnostic(d));
    if (f.status !== 'ok') {
      out.push(`✗ ${f.file}: ${f.status === 'missing' ? 'missing' : 'invalid'} (see the errors above); its cases did not run`);
      continue;
    }
    out.push(`${f.file}  (${f.rollout}: ${f.spec})`);
    for (const c of f.cases) {
      out.push(`  ${c.status === 'pass' ? '✓' : '✗'} ${c.name}  (${c.checks} checks, ${Math.round(c.ms)} ms)`);
      for (const x of c.failures) {
        out.push(`      ${formatPosition({ file: f.file, line: x.expectation.line, col: x.expectation.col })}: ${x.expectation.text}`, `        ${x.message}`);
        for (const line of x.expected) out.push(`        - ${line}`);
        for (const line of x.actual) out.push(`        + ${line}`);
      }
      if (c.status === 'fail') out.push(`        end: ${c.end}`);
    }
  }
  for (const c of run.coverage) {
    out.push('', `coverage of ${c.rollout} (${c.spec}): ${c.covered}/${c.items.length} gates and triggers both ways`);
    const width = Math.max(...c.items.map((i) => itemLabel(i).length));
    for (const item of c.items) {
      const [pos, neg] = sides(item);
      const mark = (cases: string[], side: string) => `${side} ${cases.length ? `✓ ${String(cases.length).padStart(2)}` : '✗  -'}`;
      out.push(`  ${itemLabel(item).padEnd(width)}  ${mark(item.positive, pos).padEnd(10)}  ${mark(item.negative, neg)}`);
    }
  }
  out.push('', summaryLine(run));
  return { stdout: textLines(out), stderr: textLines(stderr) };
};
