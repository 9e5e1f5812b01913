// Takes docs/dashboard.png: two rollouts driven through real checks on a virtual clock (the
// simulated producer writes the state files, `runCheck` records each decision), served by the
// dashboard, photographed in Debian's chromium.   node scripts/screenshot.mjs [out.png]
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { runCheck } from '../dist/runner/run-check.js';
import { runControl } from '../dist/runner/run-control.js';
import { Dashboard } from '../dist/server/dashboard.js';
import { createDashboardServer } from '../dist/server/http-server.js';
import { SurfaceRuntime } from '../dist/simulate/surface-runtime.js';
import { loadSpecFile } from '../dist/spec/load-spec.js';

const out = process.argv[2] ?? 'docs/dashboard.png';
const root = mkdtempSync(join(tmpdir(), 'rollgate-screenshot-'));
const store = join(root, '.rollgate');
const T0 = Date.parse('2026-02-16T09:00:00Z');
const MIN = 60_000;
try {
  // The specs' hooks set traffic weights with this script, relative to the root.
  mkdirSync(join(root, 'scripts/demo'), { recursive: true });
  copyFileSync('scripts/demo/set-weight.sh', join(root, 'scripts/demo/set-weight.sh'));
  const cc = (await loadSpecFile('specs/custom-command.yaml')).spec;
  const dash = (await loadSpecFile('specs/dashboard.yaml')).spec;
  const ccRuntime = new SurfaceRuntime(join(root, '.tau/custom-command'), 'custom-command', { from: null, health: {}, cycle: ['command_runs_recorded'], paused: false, state: 'ok' });
  const dashRuntime = new SurfaceRuntime(join(root, '.tau/dashboard'), 'dashboard', { from: null, health: {}, cycle: ['widget_views_updated', 'control_actions_applied'], paused: false, state: 'ok' });
  let now = T0;
  for (; now <= T0 + 150 * MIN; now += 5 * MIN) {
    // The dashboard's runtime has one bad cycle at 50m (a hold), then recovers.
    if (now === T0 + 50 * MIN) dashRuntime.apply({ at: now, degrade: true });
    if (now === T0 + 55 * MIN) dashRuntime.apply({ at: now, recover: true });
    if (now === T0 + 140 * MIN) ccRuntime.apply({ at: now, append: { retry_attempted: 1 } });
    ccRuntime.writeCycle(now);
    dashRuntime.writeCycle(now);
    await runCheck(cc, { root, store, nowMs: now, dryRun: false });
    await runCheck(dash, { root, store, nowMs: now, dryRun: false });
  }
  now -= 5 * MIN;
  await runControl(dash, 'pause', { root, store, nowMs: now + MIN, actor: 'ann', reason: 'INC-42: checking the error budget before canary-3' });
  // A cycle after the last check, as a live runtime would have written by now.
  ccRuntime.writeCycle(now + 2 * MIN);
  dashRuntime.writeCycle(now + 2 * MIN);
  const dashboard = new Dashboard([cc, dash], { root, store, now: () => now + 2 * MIN });
  const server = createDashboardServer(dashboard, { token: 'screenshot-token-0123456789', root, store, allowedHosts: null });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: process.env.ROLLGATE_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1500 }, deviceScaleFactor: 1 });
  await page.clock.setFixedTime(new Date(now + 2 * MIN + 5000));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.locator('[data-testid="connection"]', { hasText: 'live' }).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  await browser.close();
  dashboard.stop();
  server.closeAllConnections();
  server.close();
  process.stderr.write(`wrote ${out}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
