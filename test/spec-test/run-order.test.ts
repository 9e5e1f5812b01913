/** runTests in process: cases run in file order, `tryFirst` moves named cases ahead, failFast stops at the first failure. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTests } from '../../src/spec-test/run-tests.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

function copy(): string {
  const dir = tempDir('run-order');
  copyFileSync(join(ROOT, 'specs/custom-command.yaml'), join(dir, 'custom-command.yaml'));
  copyFileSync(join(ROOT, 'specs/custom-command.test.yaml'), join(dir, 'custom-command.test.yaml'));
  return join(dir, 'custom-command.test.yaml');
}

describe('case order', () => {
  it('file order by default; tryFirst runs the named cases first and keeps every case', async () => {
    const file = copy();
    const plain = (await runTests([file])).files[0]!.cases.map((c) => c.name);
    expect(plain.length).toBeGreaterThan(3);
    const picked = [plain[2]!, plain[plain.length - 1]!];
    const reordered = (await runTests([file], { tryFirst: picked })).files[0]!.cases.map((c) => c.name);
    expect(reordered).toEqual([plain[2], plain[plain.length - 1], ...plain.filter((n) => !picked.includes(n))]);
  });

  it('with failFast, a failing case tried first is the only one run', async () => {
    const file = copy();
    const specPath = join(file, '..', 'custom-command.yaml');
    // Every canary-1 soak is doubled: the cases that count on promotion times fail.
    writeFileSync(specPath, readFileSync(specPath, 'utf8').replace('soak: 30m', 'soak: 60m'));
    const all = (await runTests([file])).files[0]!.cases;
    const failing = all.filter((c) => c.status === 'fail').map((c) => c.name);
    expect(failing.length).toBeGreaterThan(0);
    const last = failing[failing.length - 1]!;
    const run = await runTests([file], { failFast: true, tryFirst: [last] });
    expect(run.files[0]!.cases.map((c) => [c.name, c.status])).toEqual([[last, 'fail']]);
  });
});
