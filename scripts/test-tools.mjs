// `npm test` starts real servers and a real browser (Debian's packages, never downloads): say
// in one sentence what is missing before anything else runs, instead of failing test by test.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// A test points this at an empty folder to see the sentence; nobody else sets it.
const root = process.env.ROLLGATE_TOOLS_ROOT ?? '/';
const at = (path) => join(root, path);

const postgres = () => {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb'));
  try {
    return readdirSync(at('usr/lib/postgresql')).some((v) => existsSync(join(at('usr/lib/postgresql'), v, 'bin/initdb')));
  } catch {
    return false;
  }
};
const needs = [
  ['chromium', () => existsSync(at('usr/bin/chromium'))],
  ['postgresql', postgres],
  ['prometheus', () => existsSync(at('usr/bin/prometheus')) && existsSync(at('usr/bin/promtool'))],
  ['haproxy', () => existsSync(at('usr/sbin/haproxy'))],
  ['nginx-light', () => existsSync(at('usr/sbin/nginx'))],
  ['systemd', () => existsSync(at('usr/bin/systemd-analyze'))],
];
const missing = needs.filter(([, present]) => !present()).map(([name]) => name);
if (missing.length > 0) {
  process.stderr.write(`npm test needs Debian's ${missing.join(', ')} (the tests start real servers and a real browser): run \`sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\`, or \`sudo bash .ci/run\`, which installs them and runs the tests.\n`);
  process.exit(1);
}
