/**
 * The dashboard page in a real browser (Debian's chromium through playwright-core): it shows the
 * phase, a pause with a reason goes through the API, and the gate turns to hold over the stream.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSamples, TOKEN, type Served } from '../server/helpers.js';

const CHROMIUM = process.env.ROLLGATE_CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let s: Served;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set ROLLGATE_CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  s = await serveSamples();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('the dashboard page', () => {
  it('shows each rollout, pauses one with a reason, and sees its gate turn to hold live', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${s.base}/#token=${TOKEN}`);
    const card = page.locator('[data-testid="rollout"][data-rollout="dashboard"]');
    await expect.poll(() => card.locator('[data-testid="phase"]').textContent()).toBe('canary-1');
    await expect.poll(() => card.locator('[data-testid="rollout-gate"]').textContent()).toBe('pass');
    await expect.poll(() => page.locator('[data-testid="connection"]').textContent()).toBe('live');
    // The token came in the URL fragment and left it.
    expect(page.url()).not.toContain(TOKEN);

    await card.locator('button[data-action="pause"]').click();
    await page.locator('#reason-input').fill('INC-42: checking the error budget');
    await page.locator('#reason-submit').click();

    await expect.poll(() => card.locator('[data-testid="rollout-gate"]').textContent(), { timeout: 10_000 }).toBe('hold');
    await expect.poll(() => card.locator('[data-testid="status"]').textContent()).toContain('paused');
    await expect.poll(() => card.locator('button[data-action="resume"]').count()).toBe(1);
    expect(await page.locator('[data-testid="history-chart"]').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
