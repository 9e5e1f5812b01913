/**
 * The dashboard page in a real browser (Debian's chromium through playwright-core): it shows the
 * phase, a pause with a name and a reason goes through the API (audited as dashboard:<name>), the
 * gate turns to hold over the stream, the gate badge shows the last and the next check apart, and
 * the connection is never said to be "reconnecting" before it was ever live.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/runner/run-check.js';
import { SAMPLE_NOW, serveSamples, TOKEN, type Served } from '../server/helpers.js';

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

/** The last line of a rollout's actions-audit.jsonl. */
function lastAudit(served: Served, rollout: string): Record<string, unknown> {
  const lines = readFileSync(join(served.store, rollout, 'actions-audit.jsonl'), 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

async function open(served: Served): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

describe('the dashboard page', () => {
  it('shows each rollout; a pause asks who and why, is audited as dashboard:<name>, and the gate turns to hold live', async () => {
    const { page, errors } = await open(s);
    await page.goto(`${s.base}/#token=${TOKEN}`);
    const card = page.locator('[data-testid="rollout"][data-rollout="dashboard"]');
    await expect.poll(() => card.locator('[data-testid="phase"]').textContent()).toBe('canary-1');
    // No check yet: the badge says so for "last", and what the next check would give.
    await expect.poll(() => card.locator('[data-testid="gate-next"]').textContent()).toBe('pass');
    expect(await card.locator('[data-testid="gate-last"]').textContent()).toBe('no check yet');
    expect(await card.locator('[data-testid="rollout-gate"]').textContent()).toBe('lastno check yetnextpass');
    await expect.poll(() => page.locator('[data-testid="connection"]').textContent()).toBe('live');
    // The token came in the URL fragment and left it.
    expect(page.url()).not.toContain(TOKEN);

    await card.locator('button[data-action="pause"]').click();
    // The dialog asks for a name first (none is remembered yet) and refuses to go on without one.
    await expect.poll(() => page.locator('#actor-input').isVisible()).toBe(true);
    expect(await page.locator('#actor-input').inputValue()).toBe('');
    expect(await page.evaluate('document.activeElement?.id')).toBe('actor-input');
    await page.locator('#reason-input').fill('INC-42: checking the error budget');
    await page.locator('#reason-submit').click();
    await expect.poll(() => page.locator('#dialog-error').textContent()).toBe('Your name is required: it is recorded with the action as dashboard:<name>.');
    expect(await page.locator('#reason-dialog').getAttribute('open')).not.toBeNull();
    await page.locator('#actor-input').fill('  ann  ');
    await page.locator('#reason-submit').click();

    await expect.poll(() => card.locator('[data-testid="gate-last"]').textContent(), { timeout: 10_000 }).toBe('hold');
    expect(await card.locator('[data-testid="gate-next"]').textContent()).toBe('hold');
    await expect.poll(() => card.locator('[data-testid="status"]').textContent()).toContain('paused');
    await expect.poll(() => card.locator('button[data-action="resume"]').count()).toBe(1);
    expect(lastAudit(s, 'dashboard')).toMatchObject({ action: 'pause', actor: 'dashboard:ann', reason: 'INC-42: checking the error budget', status: 'accepted' });
    await expect.poll(() => card.locator('[data-testid="pause"]').textContent()).toContain('Paused by dashboard:ann');
    expect(await page.locator('[data-testid="history-chart"]').count()).toBeGreaterThan(0);

    // The name is remembered in this browser: the next dialog has it (a new page too).
    expect(await page.evaluate("localStorage.getItem('rollgate.actor')")).toBe('ann');
    await page.reload();
    await card.locator('button[data-action="resume"]').click();
    await expect.poll(() => page.locator('#actor-input').inputValue()).toBe('ann');
    expect(await page.evaluate('document.activeElement?.id')).toBe('reason-input');
    // A name the server refuses (control characters) keeps the dialog open with its sentence.
    await page.locator('#actor-input').fill('ann\u202e');
    await page.locator('#reason-input').fill('done checking');
    await page.locator('#reason-submit').click();
    await expect.poll(() => page.locator('#dialog-error').textContent()).toBe('Your name has control characters; use plain text on one line.');
    await page.locator('#actor-input').fill('bob');
    await page.locator('#reason-submit').click();
    await expect.poll(() => card.locator('[data-testid="status"]').textContent(), { timeout: 10_000 }).not.toContain('paused');
    expect(lastAudit(s, 'dashboard')).toMatchObject({ action: 'resume', actor: 'dashboard:bob', reason: 'done checking' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a gate that fails after a passing check: the badge shows "last pass" and "next hold", labelled, never a bare pass', async () => {
    const { page, errors } = await open(s);
    await runCheck(s.dashboard.spec('custom-command')!, { root: s.root, store: s.store, nowMs: SAMPLE_NOW, dryRun: false });
    const statePath = join(s.root, '.tau/custom-command/state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    state.health.queue_depth = 5;
    writeFileSync(statePath, JSON.stringify(state));
    await page.goto(`${s.base}/`);
    const card = page.locator('[data-testid="rollout"][data-rollout="custom-command"]');
    await expect.poll(() => card.locator('[data-testid="gate-next"]').textContent(), { timeout: 10_000 }).toBe('hold');
    expect(await card.locator('[data-testid="gate-last"]').textContent()).toBe('pass');
    const badge = card.locator('[data-testid="rollout-gate"]');
    expect(await badge.textContent()).toBe('lastpassnexthold');
    expect(await badge.getAttribute('data-differs')).toBe('true');
    expect(await badge.locator('.gate-label').allTextContents()).toEqual(['last', 'next']);
    // The gate table and the decision preview say the same.
    expect(await card.locator('[data-testid="gates-table"] tr[data-result="fail"] .cell-name').allTextContents()).toContain('queue-depth');
    expect(await card.locator('[data-testid="next-decision"] .pill').first().textContent()).toBe('hold');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says "connecting…", never "reconnecting", until the stream was live once; "reconnecting" only after losing it', async () => {
    const own = await serveSamples();
    const { page, errors } = await open(own);
    try {
      // The stream is refused until let through: the page has never been connected.
      let letThrough = false;
      let refused = 0;
      await page.route('**/dashboard/stream', (route: Route) => {
        if (letThrough) return route.continue();
        refused++;
        return route.abort('connectionrefused');
      });
      const texts: string[] = [];
      await page.exposeFunction('noteConnection', (text: string) => texts.push(text));
      // Every text the connection badge ever shows: the parsed page's own (readyState
      // "interactive" comes before the deferred module scripts run), then every change.
      await page.addInitScript({ content: `document.addEventListener('readystatechange', () => {
        if (document.readyState !== 'interactive') return;
        const node = document.getElementById('connection');
        window.noteConnection(node.textContent);
        new MutationObserver(() => window.noteConnection(node.textContent)).observe(node, { childList: true, characterData: true, subtree: true });
      });` });
      await page.goto(`${own.base}/`);
      const connection = page.locator('[data-testid="connection"]');
      await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(await connection.textContent()).toBe('connecting…');
      expect(await connection.getAttribute('data-state')).toBe('connecting');
      expect(await page.locator('body').innerText()).not.toMatch(/reconnecting/i);
      // The payloads were fetched anyway: the cards are there while the stream is not.
      await expect.poll(() => page.locator('[data-testid="rollout"]').count()).toBe(2);
      letThrough = true;
      await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toBe('live');
      expect(texts[0]).toBe('connecting…');
      expect(texts.filter((t) => /reconnecting/i.test(t))).toEqual([]);

      // Lost after being live: now it says so.
      letThrough = false;
      own.dashboard.hub.close();
      await expect.poll(() => connection.textContent(), { timeout: 10_000 }).toBe('reconnecting');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await own.close();
    }
  });
});
