/** `rollgate test [paths...] [--format text|json|junit|github|markdown|sarif|tap] [--require-coverage]`. */
import { terminalSafe } from '../report/escape.js';
import { TEST_RENDERERS, type TestFormat } from '../report/spec-test/index.js';
import { bothWays } from '../spec-test/coverage.js';
import { findTestFiles } from '../spec-test/find-test-files.js';
import { runTests } from '../spec-test/run-tests.js';
import { emit } from './emit.js';
import { rollgateTool } from './validate.js';
import { EXIT, noFail, VERDICTS } from './exit-codes.js';
import { ExitError, withExitCodes } from './common.js';

export interface TestCliOptions {
  format: TestFormat;
  requireCoverage?: boolean;
  /** Exit 0 when cases fail too (the report still says so); invalid or missing test files still fail. */
  noFail?: boolean;
  /** commander's spelling of `--no-fail` (false when given). */
  fail?: boolean;
}

export async function runTestCommand(paths: string[], options: TestCliOptions): Promise<number> {
  const code = await testExit(paths, options);
  return (options.noFail ?? options.fail === false) ? noFail(code, VERDICTS.test) : code;
}

function testExit(paths: string[], options: TestCliOptions): Promise<number> {
  return withExitCodes('test', async () => {
    const found = findTestFiles(paths);
    if (found.emptyDirs.length > 0) {
      throw new ExitError(`no test files (*.test.yaml) in ${found.emptyDirs.join(', ')}; a run that tests nothing never passes`, EXIT.MISSING);
    }
    // Progress on a terminal only: CI logs get the report alone.
    const progress = process.stderr.isTTY && options.format === 'text';
    let done = 0;
    const run = await runTests(found.files, {
      onCase: progress ? (file, c) => process.stderr.write(`\r\x1b[K${terminalSafe(`[${++done}] ${file}: ${c.name}`)}`) : undefined,
    });
    if (progress) process.stderr.write('\r\x1b[K');
    emit(TEST_RENDERERS[options.format](run, { requireCoverage: options.requireCoverage ?? false, ...(options.format === 'sarif' ? { tool: rollgateTool() } : {}) }));
    if (run.summary.missing > 0) return EXIT.MISSING;
    if (run.summary.invalid > 0) return EXIT.INVALID;
    if (run.summary.failed > 0) return EXIT.HOLD;
    if (options.requireCoverage && run.coverage.some((c) => c.items.some((i) => !bothWays(i)))) {
      process.stderr.write('rollgate test: --require-coverage: some gates or triggers are not tested both ways (see the coverage report)\n');
      return EXIT.HOLD;
    }
    return EXIT.OK;
  });
}
