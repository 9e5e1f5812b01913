/** The demo is part of the product: it must pass, and print the producer-style summary. */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

it.each(['dashboard', 'custom-command'])('scripts/demo/%s.sh passes with failed=0', (name) => {
  const r = spawnSync('bash', [`scripts/demo/${name}.sh`], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`\\[demo:${name}\\] summary: total=(\\d+) passed=\\1 failed=0\\n$`));
}, 60_000);

it('scripts/demo/traffic.mjs: HAProxy splits 400 requests 20/380, 100/300, 200/200, 400/0 through the phases, and 0 reach the canary after a rollback', () => {
  const r = spawnSync(process.execPath, ['scripts/demo/traffic.mjs', '--required'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  for (const split of ['canary 20, stable 380', 'canary 100, stable 300', 'canary 200, stable 200', 'canary 400, stable 0', 'canary 0, stable 400']) expect(r.stdout).toContain(split);
  expect(r.stdout).toMatch(/\[demo:traffic\] summary: total=(\d+) passed=\1 failed=0\n$/);
}, 60_000);
