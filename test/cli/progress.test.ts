/**
 * Progress on long work goes to a terminal only (issue 19): `simulate` on a TTY redraws a
 * `[rollout] N of M checks` line on stderr and clears it; piped, or with --format json, nothing
 * but the report is written. The terminal is a real pseudo-terminal (util-linux `script`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');

it('simulate shows progress on a terminal, and never when piped or in JSON', () => {
  const dir = tempDir('progress');
  writeFileSync(join(dir, 't.yaml'), 'every: 5m\nuntil: 2d\n');
  const command = `${process.execPath} ${join(ROOT, 'bin/rollgate.js')} simulate ${SPEC} --timeline ${join(dir, 't.yaml')}`;
  const tty = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(tty.status, tty.stderr).toBe(0);
  expect(tty.stdout).toContain('\r\x1b[K[custom-command] 577 of 577 checks');
  expect(tty.stdout).toMatch(/\[custom-command\] 5 of 577 checks/);
  expect(tty.stdout).toContain('custom-command on ');
  const piped = rollgate(['simulate', SPEC, '--timeline', join(dir, 't.yaml')]);
  expect([piped.code, piped.stderr]).toEqual([0, '']);
  const json = spawnSync('script', ['-qfec', `${command} --format json`, '/dev/null'], { encoding: 'utf8' });
  expect(json.stdout).not.toContain('of 577 checks');
});
