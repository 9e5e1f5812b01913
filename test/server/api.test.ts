/** The dashboard API over real HTTP on 127.0.0.1, against the producer's sample state directories. */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { post, readEvents, serveSamples, subscribe, TOKEN, until, type Served } from './helpers.js';

let s: Served;
beforeAll(async () => {
  s = await serveSamples();
});
afterAll(() => s.close());

const get = async (path: string) => {
  const res = await fetch(s.base + path);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('GET endpoints', () => {
  it('/dashboard/health: every rollout with phase, gate and surface health, and an overall state', async () => {
    const { status, type, body } = await get('/dashboard/health');
    expect(status).toBe(200);
    expect(type).toBe('application/json; charset=utf-8');
    expect(body).toMatchObject({ schema_version: 1, overall: 'ok' });
    expect(body.rollouts).toEqual([
      expect.objectContaining({ rollout: 'custom-command', status: 'not_started', phase: { name: 'canary-1', index: 0, traffic: 5 }, last_decision: null, rollout_gate: 'pass', surfaces: { 'custom-command': { health_state: 'healthy', rollout_gate: 'pass', present: true, stale: false, paused: false } } }),
      expect.objectContaining({ rollout: 'dashboard', rollout_gate: 'pass', surfaces: { dashboard: { health_state: 'healthy', rollout_gate: 'pass', present: true, stale: false, paused: false } } }),
    ]);
  });

  it('/dashboard/widgets: phase ladder, soak, gates with values, trigger streaks, surfaces', async () => {
    const { body } = await get('/dashboard/widgets');
    const cc = body.rollouts[0];
    expect(cc.phases.map((p: { name: string; state: string }) => `${p.name}:${p.state}`)).toEqual(['canary-1:current', 'canary-2:pending', 'canary-3:pending', 'general-availability:pending']);
    expect(cc.soak).toMatchObject({ required_ms: 30 * 60_000 });
    expect(cc.gates.find((g: { name: string }) => g.name === 'queue-depth')).toMatchObject({ surface: 'custom-command', result: 'pass' });
    expect(cc.triggers.find((t: { name: string }) => t.name === 'health-regression')).toMatchObject({ streak: 0, consecutive: 2, fired: false, action: 'rollback' });
    expect(cc.surfaces[0]).toMatchObject({ name: 'custom-command', kind: 'custom-command', present: true, stale: false, health_state: 'healthy', queue_depth: 0, failure_streak: 0, invalid_lines: 0, age_ms: 59_995 });
    expect(cc.next_decision.decision).toBe('wait');
  });

  it('/dashboard/queue-timeline: recent cycle reports per surface with reason-code counts', async () => {
    const { body } = await get('/dashboard/queue-timeline');
    const dash = body.rollouts[1].surfaces[0];
    expect(dash.name).toBe('dashboard');
    expect(dash.reports.length).toBeGreaterThan(0);
    expect(dash.reports[0]).toEqual(expect.objectContaining({ timestamp_unix_ms: expect.any(Number), queue_depth: expect.any(Number), reason_codes: expect.any(Array) }));
    expect(Object.values(dash.reason_codes).reduce((a: number, b) => a + (b as number), 0)).toBeGreaterThan(0);
  });

  it('/dashboard/alerts: nothing to report on healthy samples; unknown paths are 404 JSON, wrong methods 405', async () => {
    expect((await get('/dashboard/alerts')).body).toMatchObject({ schema_version: 1, alerts: [] });
    const missing = await get('/dashboard/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('no such endpoint');
    expect((await fetch(s.base + '/dashboard/health', { method: 'DELETE' })).status).toBe(405);
  });

  it('GET / serves the page with a strict content security policy', async () => {
    const res = await fetch(s.base + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('app.js');
  });
});

describe('POST /dashboard/actions', () => {
  it('refuses without the token (401), bad JSON (400), a 2 MB body (413), unknown actions (400) and rollouts (404)', async () => {
    expect((await post(s.base, '{"action":"pause","rollout":"dashboard","reason":"x"}', {})).status).toBe(401);
    expect((await post(s.base, '{"action":"pause","rollout":"dashboard","reason":"x"}', { authorization: 'Bearer wrong-token-0123456789abcd' })).status).toBe(401);
    const bad = await post(s.base, '{"action": pause', { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/the body is not JSON/);
    const big = await post(s.base, JSON.stringify({ action: 'pause', reason: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect((await post(s.base, '{"action":"explode","rollout":"dashboard","reason":"x"}')).body.error).toMatch(/unknown action "explode"; one of pause, resume, refresh, abort, promote, retry/);
    expect((await post(s.base, '{"action":"pause","rollout":"nope","reason":"x"}')).status).toBe(404);
    expect((await post(s.base, '{"action":"pause","reason":"x"}')).body.error).toContain('name the rollout');
    expect((await post(s.base, '{"action":"pause","rollout":"dashboard"}')).body.error).toContain('a `reason` is required');
  });

  it('pause: audited, rollout_gate hold, and the next evaluate holds; resume undoes it; a second resume is 409', async () => {
    const { ready, events } = subscribe(s.base, (d) => d.health.rollouts[1].rollout_gate === 'hold');
    await ready;
    const r = await post(s.base, JSON.stringify({ action: 'pause', rollout: 'dashboard', reason: 'INC-42 investigating', actor: 'ann' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'accepted', action: 'pause', rollout: 'dashboard', control_mode: 'paused' });
    const audit = readFileSync(join(s.store, 'dashboard/actions-audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit[audit.length - 1]).toMatchObject({ schema_version: 1, action: 'pause', actor: 'dashboard:ann', reason: 'INC-42 investigating', status: 'accepted', control_mode: 'paused', rollout: 'dashboard' });
    const health = (await get('/dashboard/health')).body.rollouts[1];
    expect(health).toMatchObject({ rollout: 'dashboard', status: 'paused', rollout_gate: 'hold' });
    // The stream carried the change.
    const seen = await events;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]!.data.health.rollouts[1].rollout_gate).toBe('hold');
    expect((await get('/dashboard/alerts')).body.alerts).toContainEqual(expect.objectContaining({ severity: 'warning', kind: 'paused', rollout: 'dashboard' }));

    const evaluate = rollgate(['evaluate', 'specs/dashboard.yaml', '--root', s.root, '--store', s.store, '--now', '2026-02-16T00:06:30Z', '--format', 'json']);
    expect(evaluate.code).toBe(1);
    expect(JSON.parse(evaluate.stdout)).toMatchObject({ decision: 'hold', reasons: [expect.stringContaining('paused by dashboard:ann')] });

    expect((await post(s.base, JSON.stringify({ action: 'resume', rollout: 'dashboard', reason: 'fixed' }))).status).toBe(200);
    const again = await post(s.base, JSON.stringify({ action: 'resume', rollout: 'dashboard', reason: 'twice' }));
    expect(again.status).toBe(409);
    expect((await get('/dashboard/health')).body.rollouts[1].rollout_gate).not.toBe('hold');
  });

  it('refresh is audited and keeps the mode', async () => {
    const r = await post(s.base, JSON.stringify({ action: 'refresh', rollout: 'custom-command' }));
    expect(r.body).toMatchObject({ action: 'refresh', control_mode: 'running' });
    const audit = readFileSync(join(s.store, 'custom-command/actions-audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit[audit.length - 1]!)).toMatchObject({ action: 'refresh', control_mode: 'running' });
  });
});

describe('GET /dashboard/stream', () => {
  it('sends a snapshot at once; a client with Last-Event-ID gets dashboard.reset, then a snapshot', async () => {
    const fresh = await readEvents(s.base, 1);
    expect(fresh[0]).toMatchObject({ event: 'dashboard.snapshot', data: { schema_version: 1, health: { schema_version: 1 }, widgets: { schema_version: 1 }, alerts: { schema_version: 1 } } });
    const resumed = await readEvents(s.base, 2, { 'last-event-id': '3' });
    expect(resumed.slice(0, 2).map((e) => e.event)).toEqual(['dashboard.reset', 'dashboard.snapshot']);
  });

  it('a file written by the producer reaches open streams as a new snapshot', async () => {
    const { ready, events } = subscribe(s.base, (d) => d.widgets.rollouts[0].surfaces[0].queue_depth === 5);
    await ready;
    const state = JSON.parse(readFileSync(join(s.root, '.tau/custom-command/state.json'), 'utf8'));
    state.health.queue_depth = 5;
    (await import('node:fs')).writeFileSync(join(s.root, '.tau/custom-command/state.json'), JSON.stringify(state));
    const seen = await events;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]!.data.widgets.rollouts[0].surfaces[0].queue_depth).toBe(5);
    expect(seen[seen.length - 1]!.data.widgets.rollouts[0].gates.find((g: { name: string }) => g.name === 'queue-depth').result).toBe('fail');
  });

  it('200 streams and one client that never reads: the others keep getting snapshots and health answers', async () => {
    const streams = await Promise.all(Array.from({ length: 200 }, () => fetch(s.base + '/dashboard/stream').then((r) => r.body!.getReader())));
    // A raw client that sends its request and never reads a byte.
    const stalled = connect((new URL(s.base)).port as unknown as number, '127.0.0.1');
    stalled.write('GET /dashboard/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    await until(() => s.dashboard.hub.size, (n) => n === 201);
    expect(s.dashboard.hub.size).toBe(201);
    for (let i = 0; i < 30; i++) await s.dashboard.rebuild();
    const health = await get('/dashboard/health');
    expect(health.status).toBe(200);
    // Every reading client got the latest snapshot.
    const last = s.dashboard.sequence;
    const lastSeen = await Promise.all(streams.slice(0, 5).map(async (reader) => {
      let text = '';
      while (!text.includes(`id: ${last}\n`)) text += Buffer.from((await reader.read()).value!).toString('utf8');
      return true;
    }));
    expect(lastSeen.every(Boolean)).toBe(true);
    stalled.destroy();
    await Promise.all(streams.map((r) => r.cancel()));
  });

  it('a client that stops reading is dropped once it falls far behind; reading clients are not', async () => {
    const small = await serveSamples({ maxBacklogBytes: 256 * 1024 });
    try {
      const reader = (await fetch(small.base + '/dashboard/stream')).body!.getReader();
      let received = 0;
      const draining = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          received += value.length;
        }
      })();
      const stalled = connect(Number(new URL(small.base).port), '127.0.0.1');
      stalled.write('GET /dashboard/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      stalled.pause();
      await until(() => small.dashboard.hub.size, (n) => n === 2);
      expect(small.dashboard.hub.size).toBe(2);
      for (let i = 0; i < 1500 && small.dashboard.hub.size > 1; i++) {
        await small.dashboard.rebuild();
        // Give the reading client the time to read, as a live one would between snapshots.
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(small.dashboard.hub.size).toBe(1);
      expect(received).toBeGreaterThan(256 * 1024);
      stalled.destroy();
      await reader.cancel();
      await draining.catch(() => undefined);
    } finally {
      await small.close();
    }
  });

  it('the number of open streams is bounded (503 beyond it)', async () => {
    const small = await serveSamples({ maxStreams: 2 });
    try {
      const a = await fetch(small.base + '/dashboard/stream');
      const b = await fetch(small.base + '/dashboard/stream');
      const c = await fetch(small.base + '/dashboard/stream');
      expect([a.status, b.status, c.status]).toEqual([200, 200, 503]);
      expect(((await c.json()) as { error: string }).error).toContain('too many open streams');
      await a.body!.cancel();
      await b.body!.cancel();
    } finally {
      await small.close();
    }
  });
});
