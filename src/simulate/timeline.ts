/**
 * Timelines (schemas/timeline.schema.json): what each runtime writes over time, on a virtual
 * clock. Loaded with positions like specs, normalized to absolute instants.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../spec/diagnostic.js';
import { parseDuration } from '../time/duration.js';
import { parseYaml } from '../spec/parse-yaml.js';
import { didYouMean } from '../spec/suggest.js';
import { checkSchema } from '../spec/schema-check.js';
import type { SourceMap } from '../spec/source-map.js';

export const DEFAULT_START = Date.parse('2026-02-16T09:00:00Z');
const DAY = 86_400_000;

export type StateMode = 'ok' | 'missing' | 'corrupt';

export interface SurfaceStart {
  from: string | null;
  health: Record<string, number>;
  cycle: string[] | null;
  paused: boolean;
  state: StateMode;
}

export interface TimelineEvent {
  at: number;
  /** Its position in the file's `events` (they are sorted by time). */
  index?: number;
  surface?: string;
  health?: Record<string, number>;
  degrade?: true;
  fail_streak?: number;
  recover?: true;
  append?: Record<string, number>;
  lines?: string[];
  cycle?: string[];
  pause?: boolean;
  state?: StateMode;
  stall?: boolean;
  rotate?: true;
  input?: Record<string, unknown>;
  metrics?: Record<string, ScriptedMetric>;
  control?: { action: 'pause' | 'resume' | 'abort' | 'promote' | 'retry'; reason?: string; actor?: string };
}

/** A scripted metric answer (schemas/timeline.schema.json `metrics`). */
export type ScriptedMetric = number | string | boolean | null | { series: number[] } | { error: string };

export interface Timeline {
  file: string;
  spec: string | null;
  description: string | null;
  start: number;
  until: number;
  every: number | null;
  checksAt: number[];
  surfaces: Record<string, SurfaceStart>;
  inputs: Record<string, unknown>;
  metrics: Record<string, ScriptedMetric>;
  events: TimelineEvent[];
  recorded: string | null;
}

export type TimelineLoad = { timeline: Timeline; diagnostics: Diagnostic[] } | { timeline: null; diagnostics: Diagnostic[] };

export function loadTimelineFile(file: string): TimelineLoad {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { timeline: null, diagnostics: [{ severity: 'error', code: missing ? 'missing-file' : 'unreadable', message: missing ? 'no such timeline file' : `cannot read the timeline (${(err as Error).message})`, file, line: 0, col: 0, path: '' }] };
  }
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return { timeline: null, diagnostics: parsed.diagnostics };
  return normalizeTimeline(parsed.value, file, dirname(resolve(file)), parsed.sourceMap, []);
}

/** Validates and normalizes a timeline value found at `path` inside `file` (a test case's, or a whole file). */
export function normalizeTimeline(value: unknown, file: string, baseDir: string, sourceMap: SourceMap, path: (string | number)[]): TimelineLoad {
  const diagnostics = checkSchema(value, file, sourceMap, 'timeline.schema.json').map((d) => (path.length ? relocate(d, path, sourceMap) : d));
  if (hasErrors(diagnostics)) return { timeline: null, diagnostics };
  const raw = value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- schema-checked above
  const bad = (where: (string | number)[], message: string) => {
    const { line, col } = sourceMap.locate([...path, ...where]);
    diagnostics.push({ severity: 'error', code: 'bad-time', message, file, line, col, path: '' });
    return 0;
  };
  const start = raw.start === undefined ? DEFAULT_START : Date.parse(raw.start);
  if (Number.isNaN(start) || (raw.start !== undefined && !/(Z|[+-]\d\d:?\d\d)$/.test(raw.start))) bad(['start'], `\`start\` ${raw.start} is not an ISO-8601 instant with a zone, e.g. 2026-02-16T09:00:00Z`);
  const instant = (v: unknown, where: (string | number)[]): number => {
    const ms = parseInstant(v, start);
    return typeof ms === 'number' ? ms : bad(where, ms.error);
  };
  const every = raw.every === undefined ? null : parseDuration(raw.every);
  if (raw.every !== undefined && (every === null || every <= 0)) bad(['every'], `\`every\` ${String(raw.every)} is not a positive duration`);
  const surfaces: Record<string, SurfaceStart> = {};
  for (const [name, s] of Object.entries((raw.surfaces ?? {}) as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
    surfaces[name] = { from: s.from ? resolve(baseDir, s.from) : null, health: { ...(s.health ?? {}) }, cycle: s.cycle ?? null, paused: s.paused === true, state: s.state ?? 'ok' };
  }
  const events: TimelineEvent[] = ((raw.events ?? []) as Record<string, unknown>[]).map((e, i) => ({ ...(e as Omit<TimelineEvent, 'at'>), at: instant(e.at, ['events', i, 'at']), index: i }));
  const timeline: Timeline = {
    file,
    spec: raw.spec ? resolve(baseDir, raw.spec) : null,
    description: raw.description ?? null,
    start,
    until: raw.until === undefined ? start + DAY : instant(raw.until, ['until']),
    every,
    checksAt: ((raw.checks_at ?? []) as unknown[]).map((v, i) => instant(v, ['checks_at', i])),
    surfaces,
    inputs: { ...(raw.inputs ?? {}) },
    metrics: { ...(raw.metrics ?? {}) },
    events: events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e),
    recorded: raw.recorded ? resolve(baseDir, raw.recorded.dir) : null,
  };
  if (timeline.until < start) bad(['until'], '`until` is before `start`');
  return hasErrors(diagnostics) ? { timeline: null, diagnostics } : { timeline, diagnostics };
}

/** Names a timeline uses that its spec does not have (a typo would otherwise silently do nothing). */
export function unknownNames(t: Timeline, spec: { surfaces: { name: string }[]; inputs: { name: string }[]; metrics?: { name: string }[] }): { path: (string | number)[]; message: string }[] {
  const surfaces = new Set(spec.surfaces.map((s) => s.name));
  const inputs = new Set(spec.inputs.map((i) => i.name));
  const metrics = new Set((spec.metrics ?? []).map((m) => m.name));
  const out: { path: (string | number)[]; message: string }[] = [];
  const surface = (name: string, path: (string | number)[]) => {
    if (!surfaces.has(name)) out.push({ path, message: `the spec has no surface \`${name}\`${didYouMean(name, surfaces)} (surfaces: ${[...surfaces].join(', ')})` });
  };
  const input = (name: string, path: (string | number)[]) => {
    if (!inputs.has(name)) out.push({ path, message: `the spec declares no input \`${name}\`${didYouMean(name, inputs)}` });
  };
  const metric = (name: string, path: (string | number)[]) => {
    if (!metrics.has(name)) out.push({ path, message: `the spec declares no metric \`${name}\`${didYouMean(name, metrics)}` });
  };
  for (const name of Object.keys(t.surfaces)) surface(name, ['surfaces', name]);
  for (const name of Object.keys(t.inputs)) input(name, ['inputs', name]);
  for (const name of Object.keys(t.metrics)) metric(name, ['metrics', name]);
  for (const e of t.events) {
    if (e.surface !== undefined) surface(e.surface, ['events', e.index ?? 0, 'surface']);
    for (const name of Object.keys(e.input ?? {})) input(name, ['events', e.index ?? 0, 'input', name]);
    for (const name of Object.keys(e.metrics ?? {})) metric(name, ['events', e.index ?? 0, 'metrics', name]);
  }
  return out;
}

/** An offset from `start` (30m, 1h30m, 2d) or an ISO-8601 instant, as unix ms; or why it is neither. */
export function parseInstant(v: unknown, start: number): number | { error: string } {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) || !/(Z|[+-]\d\d:?\d\d)$/.test(v) ? { error: `\`${v}\` is not a valid ISO-8601 instant with a zone` } : ms;
  }
  const ms = parseDuration(v);
  return ms === null ? { error: `\`${String(v)}\` is neither a duration (30m, 1h30m, 2d) nor an instant` } : start + ms;
}

/** A schema diagnostic of an embedded timeline, moved to its place in the enclosing file. */
function relocate(d: Diagnostic, path: (string | number)[], sourceMap: SourceMap): Diagnostic {
  const inner = d.path.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const { line, col } = sourceMap.locate([...path, ...inner], d.code === 'unknown-key' ? 'key' : 'value');
  return { ...d, line, col };
}
