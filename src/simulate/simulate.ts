/**
 * Replays a timeline through the same edge loop as `rollgate evaluate` (runner/operate.ts: the
 * same observation code on real files in a scratch directory, read with the same cursors, and
 * the same pure engine) on a virtual clock, with a store in memory and no traffic provider:
 * hooks are not run and nothing is journaled; the records are returned.
 */
import { accessSync, appendFileSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DecisionRecord } from '../engine/record.js';
import { EVENTS_LOG } from '../tau/files.js';
import { resolveIn } from '../observe/paths.js';
import { operate } from '../runner/operate.js';
import { memoryStore } from '../store/memory-store.js';
import { nextTimes } from '../time/cron-times.js';
import type { Spec } from '../spec/types.js';
import { SurfaceRuntime } from './surface-runtime.js';
import type { ScriptedMetric, Timeline } from './timeline.js';
import { scriptedMetrics } from './scripted-metrics.js';
import { tauSurfaces } from '../observe/tau-surfaces.js';
import { inputFiles } from '../observe/input-files.js';
import { holdDescriptors, scratchChanged } from '../observe/untrusted-file.js';

/** A recorded snapshot's metric answers (`simulate --record` writes them beside the files). */
export const RECORDED_METRICS = 'rollgate-metrics.json';

const DEFAULT_EVERY_MS = 5 * 60_000;
/** A guard against a timeline that would run for ever (one check a minute for two years). */
export const MAX_CHECKS = 1_000_000;

export interface SimulationResult {
  /** Every record, unless `onRecord` was given (then empty: records are streamed). */
  records: DecisionRecord[];
  checks: number;
  end: { status: string; at: number | null; phase: string; trigger: string | null; summary: string };
}

export interface SimulateOptions {
  /** Copy the working tree at every check instant into `<record>/<instant>/` (a recorded timeline). */
  record?: string;
  /** Keep the scratch directory (for debugging). */
  keep?: boolean;
  /** Fill gates[].trace and triggers[].trace (default true, as `evaluate`). */
  trace?: boolean;
  /**
   * Receive each record as it is decided instead of collecting them all; a promise returned is
   * waited for before the replay goes on (a consumer keeping two replays in step).
   */
  onRecord?: (record: DecisionRecord) => void | Promise<void>;
  /**
   * Told once how many records the replay gives, as soon as that is certain: before the first
   * check, unless the timeline has manual actions (one may be refused): then once they have run.
   */
  onChecks?: (count: number) => void;
  /** Told after each check instant: how many of how many (a terminal's progress line). */
  onProgress?: (done: number, total: number) => void;
}

/** The check instants: the cadence from start to until, plus extra ones, in order. */
export function checkTimes(spec: Spec, t: Timeline): number[] {
  const times = new Set<number>(t.checksAt.filter((x) => x >= t.start && x <= t.until));
  if (t.recorded) {
    for (const name of readdirSync(t.recorded)) times.add(snapshotInstant(name));
  } else if (t.every !== null || !spec.schedule) {
    // The cadence is already in order: merged with the extra instants, not put through a Set
    // (a million checks made a Set of 40 MB, and a copy to sort).
    const every = t.every ?? DEFAULT_EVERY_MS;
    const cadence = t.until >= t.start ? Math.floor((t.until - t.start) / every) + 1 : 0;
    if (cadence > MAX_CHECKS) throw new Error(`the timeline has more than ${MAX_CHECKS} checks; shorten \`until\` or lengthen \`every\``);
    const extra = [...times].sort((a, b) => a - b);
    const out: number[] = [];
    let k = 0;
    for (let i = 0, at = t.start; i < cadence; i++, at += every) {
      for (; k < extra.length && extra[k]! < at; k++) out.push(extra[k]!);
      if (k < extra.length && extra[k] === at) k++;
      out.push(at);
    }
    for (; k < extra.length; k++) out.push(extra[k]!);
    if (out.length > MAX_CHECKS) throw new Error(`the timeline has more than ${MAX_CHECKS} checks; shorten \`until\` or lengthen \`every\``);
    return out;
  } else {
    times.add(t.start);
    let from = t.start;
    for (;;) {
      const next = nextTimes(spec.schedule, from, 1)[0];
      if (next === undefined || next > t.until) break;
      times.add(next);
      from = next;
      if (times.size > MAX_CHECKS) break;
    }
  }
  if (times.size > MAX_CHECKS) throw new Error(`the timeline has more than ${MAX_CHECKS} checks; shorten \`until\` or lengthen \`every\``);
  return [...times].sort((a, b) => a - b);
}

/**
 * Where scratch trees go: memory-backed when the machine has it (a simulation writes a few files
 * per check, and a disk makes that a hundred times slower), else the temp dir; ROLLGATE_SCRATCH wins.
 */
export function scratchBase(): string {
  if (process.env.ROLLGATE_SCRATCH) return process.env.ROLLGATE_SCRATCH;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export async function simulate(spec: Spec, timeline: Timeline, options: SimulateOptions = {}): Promise<SimulationResult> {
  const root = mkdtempSync(join(scratchBase(), 'rollgate-simulate-'));
  // Only the replay writes the scratch tree: the files it reads each check stay open between checks.
  const release = holdDescriptors();
  try {
    return await replay(spec, timeline, root, options);
  } finally {
    release();
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  }
}

async function replay(spec: Spec, t: Timeline, root: string, options: SimulateOptions): Promise<SimulationResult> {
  const runtimes = new Map<string, SurfaceRuntime>();
  if (!t.recorded) {
    for (const s of spec.surfaces) runtimes.set(s.name, new SurfaceRuntime(resolveIn(root, s.stateDir), s.kind, t.surfaces[s.name]));
    for (const [name, value] of Object.entries(t.inputs)) writeInput(spec, root, name, value);
  }
  const records: DecisionRecord[] = [];
  let checks = 0;
  let last: { final: DecisionRecord | null; latest: DecisionRecord | null } = { final: null, latest: null };
  const emit = (r: DecisionRecord): void | Promise<void> => {
    const record = clean(r);
    checks++;
    last = { final: last.final ?? (record.decision === 'rollback' || record.decision === 'complete' ? record : null), latest: record };
    if (options.onRecord) return options.onRecord(record);
    records.push(record);
  };
  const store = memoryStore(spec.name);
  let metrics: Record<string, ScriptedMetric> = { ...t.metrics };
  const sources = [tauSurfaces, inputFiles, scriptedMetrics(() => metrics)];
  const edge = (nowMs: number) => ({ store, root, nowMs, sources });
  let nextEvent = 0;
  const clean = (r: DecisionRecord): DecisionRecord => (r.notes.length === 0 ? r : { ...r, notes: r.notes.map((n) => n.split(root + '/').join('')) });

  const times = checkTimes(spec, t);
  let done = 0;
  // Every check gives a record; a manual action gives one unless it is refused.
  const lastTime = times[times.length - 1] ?? -Infinity;
  let actionsLeft = t.events.filter((e) => e.control && e.at <= lastTime).length;
  let counted = false;
  const count = () => {
    if (counted || actionsLeft > 0) return;
    counted = true;
    options.onChecks?.(checks + times.length - done);
  };
  count();
  for (const now of times) {
    if (t.recorded) metrics = syncSnapshot(join(t.recorded, snapshotName(now)), root) ?? metrics;
    for (; nextEvent < t.events.length && t.events[nextEvent]!.at <= now; nextEvent++) {
      const e = t.events[nextEvent]!;
      for (const [name, value] of Object.entries(e.input ?? {})) writeInput(spec, root, name, value);
      if (e.metrics) metrics = { ...metrics, ...e.metrics };
      if (e.control) {
        const who = { actor: e.control.actor ?? 'timeline', reason: e.control.reason ?? 'simulated' };
        const done = await operate(spec, { kind: 'action', action: e.control.action, who }, edge(e.at));
        actionsLeft--;
        const wait = done.ok ? emit(done.record) : undefined;
        if (wait) await wait;
      }
      for (const name of targets(spec, e)) runtimes.get(name)?.apply(e);
    }
    count();
    for (const runtime of runtimes.values()) runtime.writeCycle(now);
    if (options.record) {
      const snapshot = join(options.record, snapshotName(now));
      cpSync(root, snapshot, { recursive: true, filter: (src) => !src.includes(`${root}/.rollgate`) });
      if (spec.metrics.length > 0) writeFileSync(join(snapshot, RECORDED_METRICS), JSON.stringify(metrics, recordedNumber, 2) + '\n');
    }
    const checked = await operate(spec, { kind: 'check', dryRun: false, trace: options.trace !== false }, edge(now));
    const wait = checked.ok ? emit(checked.record) : undefined;
    if (wait) await wait;
    done++;
    options.onProgress?.(done, times.length);
  }
  for (const runtime of runtimes.values()) runtime.close();
  return { records, checks, end: endOf(spec, last.final, last.latest) };
}

/** Which surfaces a runtime event applies to. */
function targets(spec: Spec, e: Timeline['events'][number]): string[] {
  if (e.surface) return [e.surface];
  const touchesRuntime = e.health || e.degrade || e.fail_streak !== undefined || e.recover || e.append || e.lines || e.cycle || e.pause !== undefined || e.state || e.stall !== undefined || e.rotate;
  return touchesRuntime ? spec.surfaces.map((s) => s.name) : [];
}

function writeInput(spec: Spec, root: string, name: string, value: unknown): void {
  const input = spec.inputs.find((i) => i.name === name);
  if (!input) throw new Error(`the timeline sets input \`${name}\`, which the spec does not declare`);
  scratchChanged(); // the input may be created or removed
  const path = resolveIn(root, input.file);
  if (value === null) {
    rmSync(path, { force: true });
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
}

function endOf(spec: Spec, final: DecisionRecord | null, last: DecisionRecord | null): SimulationResult['end'] {
  if (!last) return { status: 'not started', at: null, phase: spec.phases[0]!.name, trigger: null, summary: 'no check ran' };
  if (final?.decision === 'rollback') {
    const trigger = final.triggers.find((x) => x.fired && x.action === 'rollback')?.name ?? null;
    const by = trigger ? `trigger ${trigger}` : final.override ? `${final.override.actor} (${final.override.action})` : 'a rollback';
    return { status: 'rolled_back', at: final.evaluated_unix_ms, phase: final.phase.name, trigger, summary: `rolled back at ${iso(final.evaluated_unix_ms)} in ${final.phase.name} by ${by}` };
  }
  if (final?.decision === 'complete') return { status: 'complete', at: final.evaluated_unix_ms, phase: final.phase.name, trigger: null, summary: `completed at ${iso(final.evaluated_unix_ms)}` };
  return { status: last.status, at: null, phase: last.phase.name, trigger: null, summary: `${last.status} in ${last.phase.name} (${last.phase.traffic}%) at the end of the timeline, ${iso(last.evaluated_unix_ms)}` };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function snapshotName(ms: number): string {
  return new Date(ms).toISOString().replace(/:/g, '-');
}

function snapshotInstant(name: string): number {
  const ms = Date.parse(name.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));
  if (Number.isNaN(ms)) throw new Error(`recorded snapshot folder \`${name}\` is not named like 2026-02-16T09-00-00.000Z`);
  return ms;
}

/** NaN and ±Inf survive JSON as `{ "number": "NaN" }` (JSON has no such numbers). */
function recordedNumber(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { number: String(value) } : value;
}

function recordedMetrics(file: string): Record<string, ScriptedMetric> | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8'), (_key, value) =>
    value !== null && typeof value === 'object' && typeof value.number === 'string' && Object.keys(value).length === 1 ? Number(value.number) : value);
}

/**
 * Brings the working tree to a recorded snapshot the way the producer would have: logs grow by
 * appends (a rotated one is renamed, not copied, so its identity is kept), other files are
 * rewritten, files absent from the snapshot are removed. Returns the snapshot's metric answers
 * (null: it has none).
 */
function syncSnapshot(snapshot: string, root: string): Record<string, ScriptedMetric> | null {
  scratchChanged(); // files of the snapshot may be created, renamed or removed
  const walk = (rel: string) => {
    const from = join(snapshot, rel);
    const to = join(root, rel);
    mkdirSync(to, { recursive: true });
    const names = new Set(readdirSync(from));
    if (names.has(EVENTS_LOG)) syncLogs(from, to);
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.name.startsWith(EVENTS_LOG) || (rel === '.' && entry.name === RECORDED_METRICS)) continue;
      if (entry.isDirectory()) walk(join(rel, entry.name));
      else writeFileSync(join(to, entry.name), readFileSync(join(from, entry.name)));
    }
    for (const name of readdirSync(to)) if (!names.has(name) && name !== '.rollgate') rmSync(join(to, name), { recursive: true, force: true });
  };
  walk('.');
  return recordedMetrics(join(snapshot, RECORDED_METRICS));
}

function syncLogs(from: string, to: string): void {
  const live = join(to, EVENTS_LOG);
  const want = readFileSync(join(from, EVENTS_LOG));
  const have = existsSync(live) ? readFileSync(live) : null;
  const rotatedInSnapshot = existsSync(join(from, `${EVENTS_LOG}.1`)) ? readFileSync(join(from, `${EVENTS_LOG}.1`)) : null;
  const rotatedHere = existsSync(`${live}.1`) ? readFileSync(`${live}.1`) : null;
  if (have && rotatedInSnapshot && startsWith(rotatedInSnapshot, have) && !rotatedHere?.equals(rotatedInSnapshot)) {
    // Rotated since the last snapshot: finish the live file and rename it, as the producer did
    // (a rename keeps the file's identity, which is how the cursor recognizes a rotation).
    for (let k = 3; k >= 1; k--) if (existsSync(`${live}.${k}`)) renameSync(`${live}.${k}`, `${live}.${k + 1}`);
    appendFileSync(live, rotatedInSnapshot.subarray(have.length));
    renameSync(live, `${live}.1`);
    writeFileSync(live, want);
  } else if (have && startsWith(want, have)) {
    appendFileSync(live, want.subarray(have.length));
  } else {
    writeFileSync(live, want);
  }
}

function startsWith(whole: Buffer, prefix: Buffer): boolean {
  return whole.length >= prefix.length && whole.subarray(0, prefix.length).equals(prefix);
}
