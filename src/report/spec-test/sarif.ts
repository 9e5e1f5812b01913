/**
 * SARIF 2.1.0 for GitHub code scanning: a result per failing expectation (at its line in the test
 * file), per diagnostic of an invalid test file or spec, and per coverage gap (at the gate or
 * trigger in the spec; an error with --require-coverage, a warning without). Passing cases are not results.
 */
import { jsonText } from '../escape.js';
import { diagnosticFinding, sarifLog, type Finding } from '../sarif.js';
import type { TestRenderer } from './index.js';
import { gapOf, gaps, itemLabel } from './summary.js';

export const renderSarif: TestRenderer = (run, ctx) => {
  const findings: Finding[] = [];
  for (const f of run.files) {
    findings.push(...f.diagnostics.map(diagnosticFinding));
    for (const c of f.cases) {
      for (const x of c.failures) {
        const diff = [...x.expected.map((l) => `- ${l}`), ...x.actual.map((l) => `+ ${l}`)];
        findings.push({
          rule: 'case-failed',
          level: 'error',
          message: [`case "${c.name}": ${x.message}`, ...diff].join('\n'),
          at: { file: f.file, line: x.expectation.line, col: x.expectation.col },
          identity: `${c.name}\u0000${x.expectation.text}`,
        });
      }
    }
  }
  for (const c of run.coverage) {
    for (const item of gaps(c)) {
      findings.push({ rule: 'coverage-gap', level: ctx && ctx.requireCoverage ? 'error' : 'warning', message: `${itemLabel(item)} is not tested both ways: ${gapOf(item)}`, at: item.source, identity: itemLabel(item) });
    }
  }
  const s = run.summary;
  return { stdout: jsonText(sarifLog('test', findings, ctx ? ctx.tool : undefined, { properties: { summary: s } }), 2) + '\n', stderr: '' };
};
