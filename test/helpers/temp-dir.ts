/** Scratch directories for tests, removed after each test file (test/setup.ts) so runs leave nothing in /tmp. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rollgate-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      // e.g. a tmpfs a failed test left mounted: say so, but do not hide the test's own result.
      process.stderr.write(`could not remove ${dir}: ${(err as Error).message}\n`);
    }
  }
}
