/** The whole run as one JSON document (schema_version 1), for tools. */
import { jsonText } from '../escape.js';
import type { TestRenderer } from './index.js';

export const renderJson: TestRenderer = (run) => {
  const doc = {
    schema_version: 1,
    summary: run.summary,
    files: run.files.map((f) => ({
      file: f.file,
      spec: f.spec,
      rollout: f.rollout,
      status: f.status,
      diagnostics: f.diagnostics,
      cases: f.cases.map((c) => ({
        name: c.name,
        line: c.line,
        col: c.col,
        status: c.status,
        checks: c.checks,
        end: c.end,
        failures: c.failures.map((x) => ({ line: x.expectation.line, col: x.expectation.col, expectation: x.expectation.text, message: x.message, expected: x.expected, actual: x.actual })),
      })),
    })),
    coverage: run.coverage.map((c) => ({
      spec: c.spec,
      rollout: c.rollout,
      covered: c.covered,
      total: c.items.length,
      items: c.items.map((i) => ({ kind: i.kind, name: i.name, phase: i.phase, line: i.source.line, positive: i.positive, negative: i.negative })),
    })),
  };
  return { stdout: jsonText(doc, 2) + '\n', stderr: '' };
};
