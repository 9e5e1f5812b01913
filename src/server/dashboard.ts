/**
 * The served dashboard: rollout views rebuilt when their files change (polled) or an action
 * lands, and at least every refresh interval (soak progress and staleness move with time).
 * Requests read the last build, so a slow disk or many clients never slow an answer.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_STATE_FILE } from '../observe/control-state.js';
import { EVENTS_LOG } from '../observe/event-cursor.js';
import { STATE_FILE } from '../observe/state-file.js';
import { resolveIn } from '../runner/run-check.js';
import type { Spec } from '../spec/types.js';
import { RolloutStore } from '../store/rollout-store.js';
import { alertsOf, alertsPayload, healthPayload, queueTimelinePayload, widgetsPayload } from './dashboard-model.js';
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
  private readonly now: () => number;

  constructor(
    readonly specs: Spec[],
    private readonly options: DashboardOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.hub = new SseHub(options.maxStreams, options.heartbeatMs, options.maxBacklogBytes);
    this.rebuild();
  }

  get current(): Payloads {
    return this.payloads;
  }

  get sequence(): number {
    return this.seq;
  }

  /** The snapshot event's data: everything the page draws. */
  snapshot() {
    const { health, widgets, alerts } = this.payloads;
    return { schema_version: 1 as const, seq: this.seq, generated_unix_ms: health.generated_unix_ms, health, widgets, alerts };
  }

  spec(name: string): Spec | undefined {
    return this.specs.find((s) => s.name === name);
  }

  /** Reads everything again and tells every stream. */
  rebuild(fingerprint = this.files()): void {
    const nowMs = this.now();
    const views: RolloutView[] = this.specs.map((s) => readRolloutView(s, this.options.root, this.options.store, nowMs));
    const timelines = new Map<string, Map<string, SurfaceTimeline>>();
    for (const s of this.specs) timelines.set(s.name, new Map(s.surfaces.map((x) => [x.name, recentCycles(resolveIn(this.options.root, x.stateDir))])));
    const alerts = alertsOf(views);
    this.payloads = { health: healthPayload(views, nowMs, alerts), widgets: widgetsPayload(views, nowMs), alerts: alertsPayload(alerts, nowMs), queueTimeline: queueTimelinePayload(views, timelines, nowMs) };
    this.seq++;
    this.builtAt = nowMs;
    this.fingerprint = fingerprint;
    this.hub.broadcast('dashboard.snapshot', this.seq, this.snapshot());
  }

  /** Polls for changes until stop(). */
  start(): void {
    const poll = () => {
      try {
        const fingerprint = this.files();
        if (fingerprint !== this.fingerprint || this.now() - this.builtAt >= (this.options.refreshMs ?? 30_000)) this.rebuild(fingerprint);
      } catch (err) {
        process.stderr.write(`rollgate serve: refresh failed: ${(err as Error).message}\n`);
      }
      this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
      this.timer.unref();
    };
    this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
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
        // A symlink loop or a denied directory: the check reports it; here it is just a state.
        parts.push(`!${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    };
    for (const spec of this.specs) {
      const store = new RolloutStore(this.options.store, spec.name);
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
