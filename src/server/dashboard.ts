/**
 * The served dashboard: rollout views rebuilt when their files change (polled) or an action
 * lands, and at least every refresh interval (soak progress and staleness move with time).
 * Requests read the last build, so a slow disk or many clients never slow an answer. A rollout
 * whose refresh fails keeps its last good view, and every payload says so: a critical alert
 * with the error, `overall` critical, its gate hold, and how old its data is.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import { EVENTS_LOG } from '../tau/files.js';
import { STATE_FILE } from '../tau/files.js';
import { safeLine } from '../report/escape.js';
import { resolveIn } from '../observe/paths.js';
import type { Spec } from '../spec/types.js';
import { RolloutFolder } from '../store/file-rollout-store.js';
import { alertsOf, alertsPayload, healthPayload, queueTimelinePayload, refreshAlerts, widgetsPayload, type Freshness } from './dashboard-model.js';
import { recentCycles, type SurfaceTimeline } from './queue-timeline.js';
import { readRolloutView, type RolloutView } from './rollout-view.js';
import { SseHub } from './sse-hub.js';

export interface DashboardOptions {
  root: string;
  store: string;
  /** How often files are polled for changes (ms). */
  pollMs?: number;
  /** A rebuild at least this often even when no file changed (ms). */
  refreshMs?: number;
  /** While a refresh fails, a retry at least this often (ms). */
  retryMs?: number;
  now?: () => number;
  maxStreams?: number;
  heartbeatMs?: number;
  /** Unsent bytes after which a client that stopped reading is dropped. */
  maxBacklogBytes?: number;
}

export interface Payloads {
  health: ReturnType<typeof healthPayload>;
  widgets: ReturnType<typeof widgetsPayload>;
  alerts: ReturnType<typeof alertsPayload>;
  queueTimeline: ReturnType<typeof queueTimelinePayload>;
}

export class Dashboard {
  readonly hub: SseHub;
  private payloads!: Payloads;
  private seq = 0;
  private fingerprint = '';
  private builtAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;
  /** Per rollout: the last view (and timelines) read whole, and whether the last refresh worked. */
  private readonly good = new Map<string, { view: RolloutView; timelines: Map<string, SurfaceTimeline> }>();
  private readonly freshness = new Map<string, Freshness>();
  private building: Promise<void> = Promise.resolve();

  constructor(
    readonly specs: Spec[],
    private readonly options: DashboardOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.hub = new SseHub(options.maxStreams, options.heartbeatMs, options.maxBacklogBytes);
    this.payloads = this.assemble(this.now(), () => undefined);
  }

  get current(): Payloads {
    return this.payloads;
  }

  get sequence(): number {
    return this.seq;
  }

  /** The dashboard's clock (the one its payloads were built with): GET /metrics measures ages against it. */
  clock(): number {
    return this.now();
  }

  /** The snapshot event's data: everything the page draws. */
  snapshot() {
    const { health, widgets, alerts } = this.payloads;
    return { schema_version: 1 as const, seq: this.seq, generated_unix_ms: health.generated_unix_ms, last_good_unix_ms: health.last_good_unix_ms, data_age_ms: health.data_age_ms, health, widgets, alerts };
  }

  spec(name: string): Spec | undefined {
    return this.specs.find((s) => s.name === name);
  }

  /**
   * Reads everything again and tells every stream. Never rejects: a failure is in the payloads.
   * Rebuilds run one at a time, in the order asked (an action's rebuild waits for a poll's).
   */
  rebuild(fingerprint?: string): Promise<void> {
    const run = this.building.then(() => this.rebuildNow(fingerprint ?? this.files()));
    this.building = run;
    return run;
  }

  private async rebuildNow(fingerprint: string): Promise<void> {
    const nowMs = this.now();
    for (const s of this.specs) {
      const before = this.freshness.get(s.name);
      try {
        const view = await readRolloutView(s, this.options.root, this.options.store, nowMs);
        const timelines = new Map(s.surfaces.map((x) => [x.name, recentCycles(resolveIn(this.options.root, x.stateDir))]));
        this.good.set(s.name, { view, timelines });
        this.freshness.set(s.name, { error: null, lastGoodMs: nowMs });
        if (before?.error) process.stderr.write(safeLine(`rollgate serve: ${s.name}: refreshed again`) + '\n');
      } catch (err) {
        const error = sentence(err);
        if (before?.error !== error) process.stderr.write(safeLine(`rollgate serve: ${s.name}: refresh failed: ${error}`) + '\n');
        this.freshness.set(s.name, { error, lastGoodMs: before?.lastGoodMs ?? null });
      }
    }
    try {
      this.payloads = this.assemble(nowMs, (name) => this.good.get(name));
    } catch (err) {
      // A bug in turning views into payloads: show every rollout as unreadable, never old data as ok.
      const error = `the dashboard cannot be assembled: ${sentence(err)}`;
      process.stderr.write(safeLine(`rollgate serve: ${error}`) + '\n');
      for (const s of this.specs) this.freshness.set(s.name, { error, lastGoodMs: this.freshness.get(s.name)?.lastGoodMs ?? null });
      this.payloads = this.assemble(nowMs, () => undefined);
    }
    this.seq++;
    this.builtAt = nowMs;
    this.fingerprint = fingerprint;
    this.hub.broadcast('dashboard.snapshot', this.seq, this.snapshot());
  }

  private assemble(nowMs: number, goodOf: (name: string) => { view: RolloutView; timelines: Map<string, SurfaceTimeline> } | undefined): Payloads {
    const views: RolloutView[] = this.specs.map((s) => goodOf(s.name)?.view ?? { spec: s, state: null, preview: null, previewContexts: null, history: [], error: null });
    const timelines = new Map(this.specs.map((s) => [s.name, goodOf(s.name)?.timelines ?? new Map<string, SurfaceTimeline>()]));
    const alerts = [...refreshAlerts(views, this.freshness), ...alertsOf(views)];
    return { health: healthPayload(views, nowMs, alerts, this.freshness), widgets: widgetsPayload(views, nowMs, this.freshness), alerts: alertsPayload(alerts, nowMs), queueTimeline: queueTimelinePayload(views, timelines, nowMs) };
  }

  private failing(): boolean {
    for (const f of this.freshness.values()) if (f.error) return true;
    return false;
  }

  /** Polls for changes until stop(). */
  start(): void {
    const poll = async () => {
      try {
        const fingerprint = this.files();
        const every = this.failing() ? (this.options.retryMs ?? 5_000) : (this.options.refreshMs ?? 30_000);
        if (fingerprint !== this.fingerprint || this.now() - this.builtAt >= every) await this.rebuild(fingerprint);
      } catch (err) {
        process.stderr.write(safeLine(`rollgate serve: refresh failed: ${(err as Error).message}`) + '\n');
      }
      if (this.stopped) return;
      this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
      this.timer.unref();
    };
    this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.hub.close();
  }

  /** Size, mtime and inode of every file the dashboard reads: any write changes it. */
  private files(): string {
    const parts: string[] = [];
    const add = (path: string) => {
      try {
        const st = statSync(path, { throwIfNoEntry: false });
        parts.push(st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '-');
      } catch (err) {
        // Unreadable (a symlink loop, no permission): the rebuild says why.
        parts.push(`!${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    };
    for (const spec of this.specs) {
      const store = new RolloutFolder(this.options.store, spec.name);
      add(store.statePath);
      add(store.journalPath);
      for (const s of spec.surfaces) {
        const dir = resolveIn(this.options.root, s.stateDir);
        for (const f of [STATE_FILE, CONTROL_STATE_FILE, EVENTS_LOG]) add(join(dir, f));
      }
      for (const input of spec.inputs) add(resolveIn(this.options.root, input.file));
    }
    return parts.join('|');
  }
}

/** An error as one line for a payload: its message only (no stack), no control or bidi characters, bounded. */
export function sentence(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return (clean.length > 500 ? `${clean.slice(0, 500)}…` : clean) || 'an unknown error';
}
