/**
 * Progress on long work goes to a terminal only (issue 19): `simulate` on a TTY redraws a
 * `[rollout] N of M checks` line on stderr and clears it; piped, or with --format json, nothing
 * but the report is written. The terminal is a real pseudo-terminal (util-linux `script`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
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

it('a first check over a large log says how far it has read, on a terminal only', () => {
  const root = tempDir('progress-scan');
  const dir = join(root, '.tau/custom-command');
  cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), dir, { recursive: true });
  const line = '{"event":"cycle","reason_codes":["command_runs_recorded"],"padding":"' + 'x'.repeat(400) + '"}\n';
  writeFileSync(join(dir, 'runtime-events.jsonl'), line.repeat(Math.ceil(48e6 / line.length)));
  const command = `${process.execPath} ${join(ROOT, 'bin/rollgate.js')} evaluate ${SPEC} --root ${root} --dry-run --now 2026-02-16T00:06:00Z`;
  const tty = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8' });
  expect(tty.stdout).toMatch(/\r\x1b\[Kreading runtime-events\.jsonl: 1\d of 48 MB/);
  expect(tty.stdout).toMatch(/custom-command · canary-1/);
  const piped = rollgate(['evaluate', SPEC, '--root', root, '--dry-run', '--now', '2026-02-16T00:06:00Z']);
  expect(piped.stderr).toBe('');
});
