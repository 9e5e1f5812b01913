/**
 * Runs spec test files: loads each file and its spec, replays every case through `simulate`
 * (the real observation code and engine), judges the expectations and tallies coverage.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { DecisionRecord } from '../engine/record.js';
import { simulate } from '../simulate/simulate.js';
import { byPosition, hasErrors, type Diagnostic } from '../spec/diagnostic.js';
import { loadSpecFile } from '../spec/load-spec.js';
import type { Spec } from '../spec/types.js';
import { checkAgainstSpec } from './check-against-spec.js';
import { CoverageTally, type SpecCoverage } from './coverage.js';
import { judge, type ExpectationFailure } from './expectations.js';
import { loadTestFile, type TestCase } from './test-file.js';

export interface CaseResult {
  name: string;
  line: number;
  col: number;
  status: 'pass' | 'fail';
  checks: number;
  /** How the replay ended, in a sentence. */
  end: string;
  failures: ExpectationFailure[];
  ms: number;
}

export interface FileResult {
  file: string;
  spec: string | null;
  rollout: string | null;
  /** ok: the cases ran; invalid: the file or its spec is invalid (65); missing: one of them does not exist (66). */
  status: 'ok' | 'invalid' | 'missing';
  diagnostics: Diagnostic[];
  cases: CaseResult[];
}

export interface TestRun {
  files: FileResult[];
  coverage: SpecCoverage[];
  summary: { files: number; cases: number; passed: number; failed: number; invalid: number; missing: number };
}

export interface RunTestsOptions {
  /** Stop at the first failing case (the mutation tests want a yes/no quickly). */
  failFast?: boolean;
  /**
   * Cases (by name) to run before the others; with failFast, the case that failed last time is
   * the likeliest to fail again. The results keep this order.
   */
  tryFirst?: readonly string[];
  /** Called as each case finishes, for progress output. */
  onCase?: (file: string, result: CaseResult) => void;
}

export async function runTests(files: readonly string[], options: RunTestsOptions = {}): Promise<TestRun> {
  const results: FileResult[] = [];
  const tallies = new Map<string, CoverageTally>();
  for (const file of files) {
    const result = await runFile(file, tallies, options);
    results.push(result);
    if (options.failFast && result.status === 'ok' && result.cases.some((c) => c.status === 'fail')) break;
  }
  const cases = results.flatMap((f) => f.cases);
  return {
    files: results,
    coverage: [...tallies.values()].map((t) => t.report()),
    summary: {
      files: results.length,
      cases: cases.length,
      passed: cases.filter((c) => c.status === 'pass').length,
      failed: cases.filter((c) => c.status === 'fail').length,
      invalid: results.filter((f) => f.status === 'invalid').length,
      missing: results.filter((f) => f.status === 'missing').length,
    },
  };
}

async function runFile(file: string, tallies: Map<string, CoverageTally>, options: RunTestsOptions): Promise<FileResult> {
  const base = { file, spec: null, rollout: null, cases: [] };
  const loaded = loadTestFile(file);
  if (!loaded.testFile) return { ...base, status: loaded.missing ? 'missing' : 'invalid', diagnostics: loaded.diagnostics };
  const tf = loaded.testFile;
  const specLoad = loadSpecFile(shown(tf.spec));
  const diagnostics = [...loaded.diagnostics, ...specLoad.diagnostics];
  if (!specLoad.spec) {
    if (specLoad.missing) diagnostics.push({ severity: 'error', code: 'missing-spec', message: `the spec under test, ${tf.spec}, does not exist; set \`spec:\` in the test file`, file, line: 1, col: 1, path: '' });
    return { ...base, spec: shown(tf.spec), status: specLoad.missing ? 'missing' : 'invalid', diagnostics };
  }
  const spec = specLoad.spec;
  diagnostics.push(...checkAgainstSpec(tf, spec));
  const head = { file, spec: shown(tf.spec), rollout: spec.name };
  if (hasErrors(diagnostics)) return { ...head, cases: [], status: 'invalid', diagnostics: diagnostics.sort(byPosition) };

  const key = resolve(tf.spec);
  const tally = tallies.get(key) ?? new CoverageTally(spec);
  tallies.set(key, tally);
  const cases: CaseResult[] = [];
  const first = new Set(options.tryFirst ?? []);
  const ordered = first.size === 0 ? tf.cases : [...tf.cases.filter((c) => first.has(c.name)), ...tf.cases.filter((c) => !first.has(c.name))];
  for (const c of ordered) {
    const result = await runCase(c, spec, tally);
    cases.push(result);
    options.onCase?.(file, result);
    if (options.failFast && result.status === 'fail') break;
  }
  return { ...head, status: 'ok', diagnostics, cases };
}

/** A path as the user would type it: relative to the working directory when under it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

async function runCase(c: TestCase, spec: Spec, tally: CoverageTally): Promise<CaseResult> {
  const began = performance.now();
  // Streamed: coverage is tallied record by record, and only what the expectations read is kept:
  // whole records at the instants an expectation looks into, elsewhere a record's row (decision,
  // phase, first reason, time, status) and, for a rollback, the triggers that caused it.
  const records: DecisionRecord[] = [];
  const seen = new Set<string>();
  const looked = new Set(c.expect.flatMap((e) => (e.at !== null ? [e.at] : [])));
  let sim: Awaited<ReturnType<typeof simulate>>;
  try {
    // Traces are not needed to judge or to tally, and cost most of a check's time.
    sim = await simulate(spec, c.timeline, {
      trace: false,
      onRecord: (r) => {
        CoverageTally.see(r, seen);
        records.push(looked.has(r.evaluated_unix_ms) ? r : slim(r));
      },
    });
  } catch (err) {
    // A replay that cannot run (e.g. a `from` directory that is not there) fails its case.
    const failure: ExpectationFailure = { expectation: { line: c.line, col: c.col, text: 'the replay', at: null, by: null }, message: `the timeline could not be replayed: ${(err as Error).message}`, expected: [], actual: [] };
    return { name: c.name, line: c.line, col: c.col, status: 'fail', checks: records.length, end: 'not replayed', failures: [failure], ms: performance.now() - began };
  }
  tally.addSeen(c.name, seen);
  const failures = c.expect.map((e) => judge(e, records, spec, c.timeline.start)).filter((f): f is ExpectationFailure => f !== null);
  return { name: c.name, line: c.line, col: c.col, status: failures.length ? 'fail' : 'pass', checks: sim.checks, end: sim.end.summary, failures, ms: performance.now() - began };
}

/** A record as the expectations away from their instants read it (judge(), history rows, causes of a rollback). */
function slim(r: DecisionRecord): DecisionRecord {
  const { metrics: _metrics, ...rest } = r;
  return {
    ...rest,
    reasons: r.reasons.slice(0, 1),
    gates: [],
    triggers: r.decision === 'rollback' ? r.triggers : [],
    surfaces: {},
    notes: [],
    hooks: [],
  };
}
