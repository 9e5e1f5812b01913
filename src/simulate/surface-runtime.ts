/** One simulated surface runtime: keeps its health and writes its state directory at each cycle. */
import { closeSync, cpSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import { EVENTS_LOG } from '../tau/files.js';
import { parseState } from '../observe/state-file.js';
import { STATE_FILE } from '../tau/files.js';
import { zeroHealth, type HealthSnapshot } from '../tau/health.js';
import { cycleLine, emptyState } from '../tau/producer-output.js';
import type { StateMode, SurfaceStart, TimelineEvent } from './timeline.js';
import { scratchChanged } from '../observe/untrusted-file.js';

/** How long before a check its snapshot was written (a runtime cycle ends a moment earlier). */
const WRITTEN_BEFORE_CHECK_MS = 5000;
const KEEP_ROTATED = 4;

export class SurfaceRuntime {
  private health: HealthSnapshot = { ...zeroHealth(), last_cycle_discovered: 1, last_cycle_processed: 1, last_cycle_completed: 1 };
  private state: Record<string, unknown>;
  private cycle: string[];
  private pendingLines: string[] = [];
  private stalled = false;
  private mode: StateMode;
  /** The log stays open between cycles, as a producer's would (closed on rotation and at the end). */
  private logFd: number | null = null;
  private templates: { line: Template; state: Template } | null = null;
  /** state.json stays open too while it exists; its size as last written. */
  private stateFd: number | null = null;
  private stateSize = 0;

  constructor(
    private readonly dir: string,
    kind: string | null,
    start: SurfaceStart | undefined,
  ) {
    scratchChanged();
    mkdirSync(dir, { recursive: true });
    if (start?.from) cpSync(start.from, dir, { recursive: true });
    const existing = existsSync(join(dir, STATE_FILE)) ? parseState(readFileSync(join(dir, STATE_FILE), 'utf8')) : null;
    this.state = existing?.present ? existing.state : emptyState(kind);
    if (existing?.present) this.health = existing.health;
    Object.assign(this.health, start?.health ?? {});
    this.cycle = start?.cycle ?? ['healthy_cycle'];
    this.mode = start?.state ?? 'ok';
    if (start?.paused) this.setPaused(true, 0);
  }

  apply(e: TimelineEvent): void {
    this.templates = null; // health, cycle or mode may change
    const h = this.health;
    if (e.degrade) Object.assign(h, { failure_streak: Math.max(1, h.failure_streak), last_cycle_failed: Math.max(1, h.last_cycle_failed) });
    if (e.fail_streak !== undefined) Object.assign(h, { failure_streak: e.fail_streak, last_cycle_failed: e.fail_streak > 0 ? Math.max(1, h.last_cycle_failed) : 0 });
    if (e.recover) Object.assign(h, { failure_streak: 0, last_cycle_failed: 0, queue_depth: 0 });
    if (e.health) Object.assign(h, e.health);
    if (e.cycle) this.cycle = e.cycle;
    if (e.state) this.mode = e.state;
    if (e.stall !== undefined) this.stalled = e.stall;
    if (e.pause !== undefined) this.setPaused(e.pause, e.at);
    for (const [code, n] of Object.entries(e.append ?? {})) for (let i = 0; i < n; i++) this.pendingLines.push(cycleLine(this.health, [code], e.at));
    this.pendingLines.push(...(e.lines ?? []));
    if (e.rotate) this.rotate();
  }

  /** The runtime's cycle before a check at `nowMs`: its snapshot and its cycle reports. */
  writeCycle(nowMs: number): void {
    if (this.stalled) return;
    const at = nowMs - WRITTEN_BEFORE_CHECK_MS;
    const t = (this.templates ??= this.makeTemplates());
    if (this.logFd === null) {
      scratchChanged(); // the log may be created
      this.logFd = openSync(join(this.dir, EVENTS_LOG), 'a');
    }
    const line = fill(t.line, at) + '\n';
    writeSync(this.logFd, this.pendingLines.length > 0 ? this.pendingLines.join('\n') + '\n' + line : line);
    this.pendingLines = [];
    if (this.mode === 'missing') {
      this.closeState();
      scratchChanged();
      rmSync(join(this.dir, STATE_FILE), { force: true });
    } else {
      const text = fill(t.state, at);
      this.writeState(this.mode === 'corrupt' ? text.slice(0, Math.floor(text.length / 2)) : text);
    }
  }

  /**
   * The cycle report and the snapshot as functions of the one number that changes at each
   * cycle (the time): each is stringified once per change of health, cycle or mode.
   */
  private makeTemplates(): { line: Template; state: Template } {
    const h = this.health;
    const degraded = h.failure_streak > 0 || h.last_cycle_failed > 0;
    const codes = degraded && !this.cycle.includes('retry_attempted') ? ['retry_attempted', 'retryable_failures_observed', ...this.cycle.filter((c) => c !== 'healthy_cycle')] : this.cycle;
    return {
      line: template((at) => cycleLine(h, codes, at)),
      state: template((at) => JSON.stringify({ ...this.state, health: { ...h, updated_unix_ms: at } })),
    };
  }

  /**
   * Rewrites state.json in place through a descriptor kept open (as writeFileSync does: same
   * inode, truncated to the new text), one write a cycle instead of open, write and close. No
   * one else writes the scratch tree, so the size last written is the file's size: a text as
   * long or longer needs no truncation.
   */
  private writeState(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    if (this.stateFd === null) {
      scratchChanged(); // state.json may be created
      this.stateFd = openSync(join(this.dir, STATE_FILE), 'w');
      this.stateSize = 0;
    }
    for (let done = 0; done < bytes.length;) done += writeSync(this.stateFd, bytes, done, bytes.length - done, done);
    if (bytes.length < this.stateSize) ftruncateSync(this.stateFd, bytes.length);
    this.stateSize = bytes.length;
  }

  private closeState(): void {
    if (this.stateFd !== null) closeSync(this.stateFd);
    this.stateFd = null;
  }

  private setPaused(paused: boolean, atMs: number): void {
    scratchChanged();
    writeFileSync(join(this.dir, CONTROL_STATE_FILE), JSON.stringify({ schema_version: 1, mode: paused ? 'paused' : 'running', updated_unix_ms: atMs, last_action: null }, null, 2));
  }

  close(): void {
    this.closeLog();
    this.closeState();
  }

  private closeLog(): void {
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = null;
  }

  private rotate(): void {
    scratchChanged();
    this.closeLog();
    const log = join(this.dir, EVENTS_LOG);
    if (!existsSync(log)) return;
    rmSync(`${log}.${KEEP_ROTATED}`, { force: true });
    for (let k = KEEP_ROTATED - 1; k >= 1; k--) if (existsSync(`${log}.${k}`)) renameSync(`${log}.${k}`, `${log}.${k + 1}`);
    renameSync(log, `${log}.1`);
  }
}

/**
 * A JSON text with one number in it: `text` makes it; `parts`, when the number's place was found
 * exactly once, are the text before and after it.
 */
interface Template {
  text: (n: number) => string;
  parts: [string, string] | null;
}

/** Marks where the number goes: a string no snapshot or report holds (checked: found exactly once). */
const HOLE = '\u0000rollgate-number-hole\u0000';
const HOLE_JSON = JSON.stringify(HOLE);

function template(text: (n: number) => string): Template {
  const probe = text(HOLE as unknown as number);
  const i = probe.indexOf(HOLE_JSON);
  if (i < 0 || probe.indexOf(HOLE_JSON, i + 1) >= 0) return { text, parts: null };
  return { text, parts: [probe.slice(0, i), probe.slice(i + HOLE_JSON.length)] };
}

/** JSON.stringify writes a finite number as String(n) does. */
function fill(t: Template, n: number): string {
  return t.parts !== null && Number.isFinite(n) ? t.parts[0] + String(n) + t.parts[1] : t.text(n);
}
