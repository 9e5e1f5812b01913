/** A served dashboard over real HTTP on 127.0.0.1, on the producer's real sample state directories. */
import { cpSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Dashboard, type DashboardOptions } from '../../src/server/dashboard.js';
import { createDashboardServer } from '../../src/server/http-server.js';
import { loadSpecFile } from '../../src/spec/load-spec.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

export const TOKEN = 'test-token-0123456789abcdef';
/** Just after the samples' last snapshots (2026-02-16T00:05:00Z): fresh. */
export const SAMPLE_NOW = Date.parse('2026-02-16T00:06:00Z');

export interface Served {
  root: string;
  store: string;
  base: string;
  dashboard: Dashboard;
  server: Server;
  close: () => Promise<void>;
}

/** custom-command and dashboard rollouts whose surfaces are copies of tau-samples. */
export async function serveSamples(options: Partial<DashboardOptions> = {}): Promise<Served> {
  const root = tempDir('serve');
  mkdirSync(join(root, '.tau'));
  cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(root, '.tau/custom-command'), { recursive: true });
  cpSync(join(ROOT, 'fixtures/tau-samples/runtime-dashboard-healthy'), join(root, '.tau/dashboard'), { recursive: true });
  const specs = [loadSpecFile(join(ROOT, 'specs/custom-command.yaml')).spec!, loadSpecFile(join(ROOT, 'specs/dashboard.yaml')).spec!];
  const store = join(root, '.rollgate');
  const dashboard = new Dashboard(specs, { root, store, now: () => SAMPLE_NOW, pollMs: 50, ...options });
  await dashboard.rebuild();
  const server = createDashboardServer(dashboard, { token: TOKEN, root, store, allowedHosts: null });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dashboard.start();
  return {
    root, store, base, dashboard, server,
    close: () => new Promise<void>((resolve) => {
      dashboard.stop();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function post(base: string, body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(`${base}/dashboard/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until `done` holds (bounded: no timing assumptions beyond "eventually"). */
export async function until<T>(read: () => Promise<T> | T, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 100 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/**
 * A stream whose first snapshot has arrived (`ready`), read on until an event after it satisfies `until`
 * (at most `limit` events). Snapshots the poll makes for earlier writes may come first, so a test waits
 * for the one that carries its change instead of taking the second event.
 */
export function subscribe(base: string, until: (data: any) => boolean, limit = 30): { ready: Promise<void>; events: ReturnType<typeof readEvents> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  let opened!: () => void;
  const ready = new Promise<void>((resolve) => { opened = resolve; });
  return { ready, events: readEvents(base, limit, {}, opened, (e, i) => i > 0 && until(e.data)) };
}

/** Reads SSE events from a stream until `count` events arrived, or one satisfies `stop`. */
export async function readEvents(base: string, count: number, headers: Record<string, string> = {}, onFirst?: () => void, stop?: (event: { event: string; data: any }, index: number) => boolean): Promise<{ event: string; id: string; data: any }[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const controller = new AbortController();
  const res = await fetch(`${base}/dashboard/stream`, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  const events: { event: string; id: string; data: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += Buffer.from(value).toString('utf8');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      if (field('event')) events.push({ event: field('event')!, id: field('id') ?? '', data: JSON.parse(field('data') ?? 'null') });
      if (events.length === 1 && onFirst) onFirst();
      if (stop && events.length > 0 && stop(events[events.length - 1]!, events.length - 1)) { controller.abort(); return events; }
    }
  }
  controller.abort();
  return events;
}
