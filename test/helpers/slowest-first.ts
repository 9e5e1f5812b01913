/**
 * Starts the slowest test files first, so that the two workers finish together instead of one
 * starting a 30 s mutation suite when the other is done. Vitest orders by its own cache of
 * durations, which a fresh clone (CI) does not have: then it keeps the glob's alphabetical
 * order, and the slow spec-test suites start last. test/durations.json is the committed
 * substitute (refresh it with scripts/dev/test-durations.mjs); a file not listed counts as
 * average.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const durations = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8')) as Record<string, number>;
const known = Object.values(durations);
const average = known.length === 0 ? 0 : known.reduce((a, b) => a + b, 0) / known.length;

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (f: TestSpecification) => durations[relative(root, f.moduleId)] ?? average;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
