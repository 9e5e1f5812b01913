/**
 * A refresh that fails (here: a directory where a surface's event log should be) is served as a
 * failure, never as the last snapshot with `overall: ok`: an alert naming the rollout and the
 * error, overall critical, the gate hold, and the age of the data, on every payload and the stream.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { post, readEvents, SAMPLE_NOW, serveSamples, until, type Served } from './helpers.js';

let s: Served;
let clock = SAMPLE_NOW;
beforeAll(async () => {
  s = await serveSamples({ now: () => clock });
});
afterAll(() => s.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const get = async (path: string): Promise<any> => (await fetch(s.base + path)).json();

/** The first snapshot on a new stream that satisfies `done` (null if none of 200 does). */
async function streamUntil(done: (data: any) => boolean): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const events = await readEvents(s.base, 200, {}, undefined, (e) => e.event === 'dashboard.snapshot' && done(e.data));
  const last = events[events.length - 1];
  return last && last.event === 'dashboard.snapshot' && done(last.data) ? last.data : null;
}

describe('a refresh that fails', () => {
  it('is served as the failure: alert with the rollout and the error, overall critical, gate hold, data age; and clears once it works again', async () => {
    const before = await get('/dashboard/health');
    expect(before).toMatchObject({ overall: 'ok', last_good_unix_ms: SAMPLE_NOW, data_age_ms: 0 });
    expect(before.rollouts[0]).toMatchObject({ rollout: 'custom-command', refresh_error: null, last_good_unix_ms: SAMPLE_NOW, data_age_ms: 0 });

    const streamed = streamUntil((d) => d.health.overall !== 'ok');
    const log = join(s.root, '.tau/custom-command/runtime-events.jsonl');
    rmSync(log);
    mkdirSync(log);
    clock = SAMPLE_NOW + 5_000;
    // The poll notices the change too; the refresh action makes it happen now, and says how it went.
    const refreshed = await post(s.base, JSON.stringify({ action: 'refresh', rollout: 'custom-command' }));
    expect(refreshed).toMatchObject({ status: 200, body: { status: 'accepted', refresh_error: expect.stringMatching(/directory/i) } });

    const health = await until(() => get('/dashboard/health'), (h) => h.overall !== 'ok');
    expect(health.overall).toBe('critical');
    expect(health).toMatchObject({ generated_unix_ms: SAMPLE_NOW + 5_000, last_good_unix_ms: SAMPLE_NOW, data_age_ms: 5_000 });
    const cc = health.rollouts[0];
    expect(cc).toMatchObject({ rollout: 'custom-command', rollout_gate: 'hold', last_good_unix_ms: SAMPLE_NOW, data_age_ms: 5_000 });
    expect(cc.refresh_error).toMatch(/directory/i);
    // The other rollout refreshed fine.
    expect(health.rollouts[1]).toMatchObject({ rollout: 'dashboard', refresh_error: null, data_age_ms: 0 });

    const alerts = (await get('/dashboard/alerts')).alerts;
    const alert = alerts.find((a: { kind: string }) => a.kind === 'refresh-failed');
    expect(alert).toMatchObject({ severity: 'critical', rollout: 'custom-command', surface: null });
    expect(alert.message).toContain('custom-command: the dashboard cannot refresh this rollout: ');
    expect(alert.message).toMatch(/directory/i);
    expect(alert.message).toContain(`showing what was read at ${new Date(SAMPLE_NOW).toISOString()}`);
    expect(alert.message).not.toMatch(/\n|\s+at \S+ \(/); // one sentence, no stack
    expect(alerts[0].kind).toBe('refresh-failed');

    const widgets = await get('/dashboard/widgets');
    expect(widgets.rollouts[0]).toMatchObject({ refresh_error: cc.refresh_error, data_age_ms: 5_000, rollout_gate: 'hold' });

    const snapshot = await streamed;
    expect(snapshot).toMatchObject({ last_good_unix_ms: SAMPLE_NOW, data_age_ms: 5_000, health: { overall: 'critical' } });
    expect(snapshot.alerts.alerts).toContainEqual(expect.objectContaining({ kind: 'refresh-failed', rollout: 'custom-command' }));

    // Put the log back: the next refresh works and the failure is gone.
    rmSync(log, { recursive: true });
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy/runtime-events.jsonl'), log);
    clock = SAMPLE_NOW + 6_000;
    await post(s.base, JSON.stringify({ action: 'refresh', rollout: 'custom-command' }));
    const after = await until(() => get('/dashboard/health'), (h) => h.overall === 'ok');
    expect(after).toMatchObject({ overall: 'ok', data_age_ms: 0, last_good_unix_ms: SAMPLE_NOW + 6_000 });
    expect(after.rollouts[0].refresh_error).toBeNull();
    expect((await get('/dashboard/alerts')).alerts).toEqual([]);
  });

  it('the page has a banner for it, drawn from the health payload', async () => {
    expect(await (await fetch(s.base + '/')).text()).toContain('id="stale-banner"');
    const header = await (await fetch(s.base + '/header.js')).text();
    expect(header).toContain('function renderStaleBanner()');
    expect(header).toMatch(/r\.refresh_error/);
  });
});
