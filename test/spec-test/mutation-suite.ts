import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runTests } from '../../src/spec-test/run-tests.js';
import { ROOT } from '../helpers/paths.js';
import { mutantsOf } from './mutants.js';

/**
 * The mutation suite of one spec (one test file per spec, so they run in parallel). The acceptance test of the spec test files: each spec's cases pass, and every single-point
 * change of a threshold, `consecutive`, `soak`, `staleAfter` or `minChecks` makes a case fail.
 */
export function mutationSuite(name: string, share: { part: number; of: number } = { part: 0, of: 1 }): void {
  describe(`specs/${name}.test.yaml${share.of > 1 ? ` (mutants ${share.part + 1} of every ${share.of})` : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), `rollgate-mutants-${name}-`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const specText = readFileSync(join(ROOT, 'specs', `${name}.yaml`), 'utf8');
    const testFile = join(dir, `${name}.test.yaml`);
    copyFileSync(join(ROOT, 'specs', `${name}.test.yaml`), testFile);
    // A long suite is shared out over several test files (every `of`-th mutant), so they run in parallel.
    const mutants = mutantsOf(specText).filter((_, i) => i % share.of === share.part);

    // Once per spec (the first share): the other shares' mutants stand on the same baseline.
    if (share.part === 0) it('passes on the spec as written', async () => {
      writeFileSync(join(dir, `${name}.yaml`), specText);
      const run = await runTests([testFile]);
      expect(run.files[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(run.summary).toMatchObject({ failed: 0, invalid: 0, missing: 0 });
      expect(run.summary.cases).toBeGreaterThan(5);
    });

    it('has mutants to try', () => {
      expect(mutants.length).toBeGreaterThan(20 / share.of);
    });

    // The case that caught the last mutant is tried first: neighbouring mutants touch the same rule.
    let killer: string[] = [];
    it.each(mutants.map((m) => [m.label, m] as const))('a case fails when %s', async (_label, mutant) => {
      writeFileSync(join(dir, `${name}.yaml`), stringify(mutant.spec));
      const run = await runTests([testFile], { failFast: true, tryFirst: killer });
      const failedCase = run.files[0]?.cases.find((c) => c.status === 'fail');
      if (failedCase) killer = [failedCase.name];
      // The mutant must still be a valid spec: the cases, not the validator, have to catch it.
      expect(run.files[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(run.summary.failed).toBeGreaterThan(0);
    });
  });
}
