/** The demo is part of the product: it must pass, and print the producer-style summary. */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

it.each(['dashboard', 'custom-command'])('scripts/demo/%s.sh passes with failed=0', (name) => {
  const r = spawnSync('bash', [`scripts/demo/${name}.sh`], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`\\[demo:${name}\\] summary: total=(\\d+) passed=\\1 failed=0\\n$`));
}, 60_000);
