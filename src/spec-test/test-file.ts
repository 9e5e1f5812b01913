/**
 * Spec test files (schemas/spec-test.schema.json): a spec, and cases that each pair a timeline
 * with expectations. Loaded with positions, so every problem is reported at file:line:col.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../spec/diagnostic.js';
import { parseYaml } from '../spec/parse-yaml.js';
import { checkSchema } from '../spec/schema-check.js';
import type { SourceMap } from '../spec/source-map.js';
import { loadTimelineFile, normalizeTimeline, parseInstant, type Timeline } from '../simulate/timeline.js';

export const MAX_TEST_FILE_BYTES = 1024 * 1024;

export type Decision = 'promote' | 'wait' | 'hold' | 'rollback' | 'complete';
export type EndStatus = 'progressing' | 'paused' | 'rolled_back' | 'complete';

/** One expectation, its instants resolved against its case's timeline. */
export interface Expectation {
  line: number;
  col: number;
  /** The expectation as written, compact (`{at: 30m, decision: promote}`), for messages. */
  text: string;
  at: number | null;
  by: number | null;
  decision?: Decision;
  phase?: string;
  reason?: string;
  gate?: string;
  result?: 'pass' | 'fail' | 'error';
  trigger?: string;
  fired?: boolean;
  surface?: string;
  rolled_back_by?: string;
  completed?: boolean;
  never_promotes_before?: number;
  never_rolls_back?: true;
  end?: EndStatus;
}

export interface TestCase {
  name: string;
  description: string | null;
  line: number;
  col: number;
  timeline: Timeline;
  expect: Expectation[];
}

export interface TestFile {
  file: string;
  /** The spec under test (absolute). */
  spec: string;
  description: string | null;
  cases: TestCase[];
  sourceMap: SourceMap;
}

export type TestFileLoad = { testFile: TestFile; diagnostics: Diagnostic[] } | { testFile: null; diagnostics: Diagnostic[]; missing: boolean };

type Raw = Record<string, unknown>;

export function loadTestFile(file: string): TestFileLoad {
  const fail = (code: string, message: string, missing = false): TestFileLoad => ({ testFile: null, missing, diagnostics: [{ severity: 'error', code, message, file, line: 0, col: 0, path: '' }] });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('missing-file', 'no such test file', true);
    return fail('unreadable', `cannot read the test file (${(err as Error).message})`);
  }
  if (Buffer.byteLength(text) > MAX_TEST_FILE_BYTES) return fail('too-large', `the test file is over ${MAX_TEST_FILE_BYTES / 1024} KiB; split it`);
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return { testFile: null, missing: false, diagnostics: parsed.diagnostics };
  const { value, sourceMap } = parsed;
  if (isObject(value) && 'apiVersion' in value && 'phases' in value) {
    const tests = basename(file).replace(/\.ya?ml$/i, '.test.yaml');
    return { testFile: null, missing: false, diagnostics: [{ severity: 'error', code: 'not-a-test-file', message: `this is a rollout spec, not a test file; its cases go in ${tests} beside it (see \`rollgate test --help\`)`, file, line: 1, col: 1, path: '' }] };
  }
  const diagnostics = checkSchema(value, file, sourceMap, 'spec-test.schema.json');
  if (hasErrors(diagnostics)) return { testFile: null, missing: false, diagnostics };
  const raw = value as Raw;
  const at = (path: (string | number)[], code: string, message: string, part: 'key' | 'value' = 'value') => {
    const { line, col } = sourceMap.locate(path, part);
    diagnostics.push({ severity: 'error', code, message, file, line, col, path: '' });
  };

  const dir = dirname(resolve(file));
  const spec = typeof raw.spec === 'string' ? resolve(dir, raw.spec) : join(dir, basename(file).replace(/\.test\.ya?ml$/i, '.yaml'));
  if (raw.spec === undefined && !/\.test\.ya?ml$/i.test(file)) at([], 'no-spec', 'name the spec under test with `spec:` (a file not named *.test.yaml has no default spec)');

  const defaults = (raw.defaults ?? {}) as Raw;
  const cases: TestCase[] = [];
  const names = new Map<string, number>();
  (raw.cases as Raw[]).forEach((c, i) => {
    const name = c.name as string;
    if (names.has(name)) at(['cases', i, 'name'], 'duplicate-case', `case name \`${name}\` is already used by case ${names.get(name)! + 1}; names must be unique`);
    names.set(name, i);
    const timeline = caseTimeline(c.timeline, defaults, file, dir, sourceMap, ['cases', i], diagnostics);
    if (!timeline) return;
    const expect = (c.expect as Raw[]).map((e, k) => expectation(e, timeline.start, sourceMap, ['cases', i, 'expect', k], at));
    const { line, col } = sourceMap.locate(['cases', i]);
    cases.push({ name, description: (c.description as string | undefined) ?? null, line, col, timeline, expect });
  });
  if (hasErrors(diagnostics)) return { testFile: null, missing: false, diagnostics };
  return { testFile: { file, spec, description: (raw.description as string | undefined) ?? null, cases, sourceMap }, diagnostics };
}

function caseTimeline(value: unknown, defaults: Raw, file: string, dir: string, sourceMap: SourceMap, path: (string | number)[], diagnostics: Diagnostic[]): Timeline | null {
  if (typeof value === 'string') {
    // A timeline file: used as it is (defaults are for inline timelines); its `spec` is ignored,
    // as simulate's <spec> argument wins over it.
    const target = resolve(dir, value);
    if (!existsSync(target)) {
      const { line, col } = sourceMap.locate([...path, 'timeline']);
      diagnostics.push({ severity: 'error', code: 'missing-file', message: `timeline file ${value} does not exist (resolved to ${target})`, file, line, col, path: '' });
      return null;
    }
    const loaded = loadTimelineFile(target);
    diagnostics.push(...loaded.diagnostics);
    return loaded.timeline;
  }
  const merged = merge(defaults, (value ?? {}) as Raw);
  if ('spec' in merged) {
    const { line, col } = sourceMap.locate([...path, 'timeline', 'spec'], 'key');
    diagnostics.push({ severity: 'error', code: 'spec-in-case', message: 'a case timeline cannot name a spec: the test file tests one spec (set `spec:` at the top of the file)', file, line, col, path: '' });
    return null;
  }
  const loaded = normalizeTimeline(merged, file, dir, sourceMap, value === undefined ? path : [...path, 'timeline']);
  diagnostics.push(...loaded.diagnostics);
  return loaded.timeline;
}

/** Objects merge key by key (a case adds a surface's health to the defaults' cycle); anything else is replaced. */
function merge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isObject(prior) && isObject(value) ? merge(prior, value) : value;
  }
  return out;
}

const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

const WHAT = ['decision', 'phase', 'reason', 'gate', 'trigger', 'rolled_back_by', 'completed', 'never_promotes_before', 'never_rolls_back', 'end'] as const;
const NEEDS_AT = ['decision', 'reason', 'gate', 'trigger'] as const;
const ALONE = ['never_promotes_before', 'never_rolls_back', 'end'] as const;

type Report = (path: (string | number)[], code: string, message: string, part?: 'key' | 'value') => void;

/** Checks how an expectation's keys combine (the schema checks each key alone) and resolves its instants. */
function expectation(e: Raw, start: number, sourceMap: SourceMap, path: (string | number)[], report: Report): Expectation {
  const { line, col } = sourceMap.locate(path);
  const has = (k: string) => e[k] !== undefined;
  const instant = (key: string): number | null => {
    if (!has(key)) return null;
    const ms = parseInstant(e[key], start);
    if (typeof ms === 'number') return ms;
    report([...path, key], 'bad-time', ms.error);
    return null;
  };
  const out: Expectation = { ...(e as Partial<Expectation>), line, col, text: compact(e), at: instant('at'), by: instant('by') } as Expectation;
  if (has('never_promotes_before')) out.never_promotes_before = instant('never_promotes_before') ?? undefined;
  const what = WHAT.filter(has);
  if (what.length === 0) report(path, 'empty-expectation', `this expectation says ${has('at') || has('by') ? 'when' : 'nothing'} but not what: add one of ${WHAT.join(', ')}`);
  if (has('at') && has('by')) report([...path, 'by'], 'at-and-by', 'give `at` (the check at that instant) or `by` (some check up to that instant), not both', 'key');
  for (const k of NEEDS_AT) if (has(k) && !has('at')) report([...path, k], 'needs-at', `\`${k}\` is about one check: add \`at:\` with its instant`, 'key');
  if (has('phase') && !has('at') && !has('by')) report([...path, 'phase'], 'needs-time', '`phase` needs `at` (the phase after that check) or `by` (reached by then)', 'key');
  for (const k of ALONE) if (has(k) && what.length > 1) report([...path, k], 'not-alone', `\`${k}\` stands alone; write the other expectations as separate items`, 'key');
  for (const k of ALONE) if (has(k) && (has('at') || has('by'))) report([...path, k], 'not-alone', `\`${k}\` takes no \`at\` or \`by\``, 'key');
  if (has('gate') !== has('result')) report(path, 'gate-result', '`gate` and `result` go together: `{ at: 10m, gate: queue-depth, result: fail }`');
  if (has('trigger') !== has('fired')) report(path, 'trigger-fired', '`trigger` and `fired` go together: `{ at: 10m, trigger: health-regression, fired: true }`');
  if (has('gate') && has('trigger')) report([...path, 'trigger'], 'gate-and-trigger', 'one expectation checks a gate or a trigger, not both', 'key');
  if (has('surface') && !has('gate') && !has('trigger')) report([...path, 'surface'], 'surface-alone', '`surface` narrows a `gate` or `trigger` expectation', 'key');
  return out;
}

/** `{at: 30m, decision: promote}`, keys in the order written. */
function compact(e: Raw): string {
  return `{ ${Object.entries(e).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')} }`;
}
