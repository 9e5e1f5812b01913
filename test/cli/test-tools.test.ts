/** `npm test` on a machine without the servers says in one sentence what to install (issue 19). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

it('names every missing package in one sentence and exits 1; with them all present it says nothing', () => {
  const env = { ...process.env, PG_BIN: '' };
  delete (env as Record<string, string | undefined>).PG_BIN;
  const bare = spawnSync(process.execPath, [join(ROOT, 'scripts/test-tools.mjs')], { encoding: 'utf8', env: { ...env, ROLLGATE_TOOLS_ROOT: tempDir('no-tools') } });
  expect(bare.status).toBe(1);
  expect(bare.stderr).toBe("npm test needs Debian's chromium, postgresql, prometheus, haproxy, nginx-light, systemd (the tests start real servers and a real browser): run `sudo apt-get install -y --no-install-recommends chromium postgresql prometheus haproxy nginx-light systemd`, or `sudo bash .ci/run`, which installs them and runs the tests.\n");
  const here = spawnSync(process.execPath, [join(ROOT, 'scripts/test-tools.mjs')], { encoding: 'utf8', env });
  expect([here.status, here.stderr]).toEqual([0, '']);
});
