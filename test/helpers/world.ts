/**
 * A scratch working directory with Tau-format surfaces that tests change between checks,
 * checked with the real `rollgate evaluate` process (or in-process for long rollouts).
 */
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DecisionRecord } from '../../src/engine/record.js';
import { runCheck } from '../../src/runner/run-check.js';
import { loadSpecFile } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { rollgate } from './cli.js';
import { ROOT } from './paths.js';
import { tempDir } from './temp-dir.js';

export const T0 = Date.parse('2026-02-16T09:00:00Z'); // a Monday, inside Berlin business hours
export const MIN = 60_000;
export const HOUR = 60 * MIN;

const COLLECTION: Record<string, Record<string, unknown[]>> = {
  'custom-command': { commands: [] },
  dashboard: { widget_views: [], control_audit: [] },
  voice: { interactions: [] },
  browser: { results: [] },
  memory: { entries: [] },
};

export interface Evaluation {
  code: number | null;
  record: DecisionRecord;
  stderr: string;
}

export class World {
  readonly root = tempDir('world');

  constructor() {
    mkdirSync(join(this.root, 'scripts/demo'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts/demo/set-weight.sh'), join(this.root, 'scripts/demo/set-weight.sh'));
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Writes state.json as the producer would, updated at `atMs`. */
  state(stateDir: string, kind: string, atMs: number, health: Record<string, number> = {}): this {
    mkdirSync(this.path(stateDir), { recursive: true });
    const state = { schema_version: 1, processed_case_keys: [], ...COLLECTION[kind], health: { updated_unix_ms: atMs, queue_depth: 0, failure_streak: 0, last_cycle_failed: 0, ...health } };
    writeFileSync(this.path(stateDir, 'state.json'), JSON.stringify(state, null, 2));
    return this;
  }

  /** Appends cycle reports (one per list of reason codes). */
  events(stateDir: string, ...cycles: string[][]): this {
    mkdirSync(this.path(stateDir), { recursive: true });
    appendFileSync(this.path(stateDir, 'runtime-events.jsonl'), cycles.map((codes) => JSON.stringify({ reason_codes: codes, health_reason: 'no recent transport failures observed' }) + '\n').join(''));
    return this;
  }

  raw(file: string, content: string): this {
    mkdirSync(dirname(this.path(file)), { recursive: true });
    writeFileSync(this.path(file), content);
    return this;
  }

  json(file: string, value: unknown): this {
    return this.raw(file, JSON.stringify(value, null, 2));
  }

  remove(file: string): this {
    rmSync(this.path(file), { force: true, recursive: true });
    return this;
  }

  copyFixture(fixture: string, stateDir: string): this {
    cpSync(join(ROOT, 'fixtures', fixture), this.path(stateDir), { recursive: true });
    return this;
  }

  /** The real CLI, JSON output. */
  evaluate(spec: string, nowMs: number, ...args: string[]): Evaluation {
    const run = rollgate(['evaluate', resolve(ROOT, spec), '--root', this.root, '--now', String(nowMs), '--format', 'json', ...args]);
    let record: DecisionRecord;
    try {
      record = JSON.parse(run.stdout) as DecisionRecord;
    } catch {
      throw new Error(`evaluate printed no record (exit ${run.code}): ${run.stderr}`);
    }
    return { code: run.code, record, stderr: run.stderr };
  }

  /** The same check in-process (for rollouts with hundreds of checks). */
  async check(spec: Spec, nowMs: number): Promise<DecisionRecord> {
    return (await runCheck(spec, { root: this.root, store: this.path('.rollgate'), nowMs, dryRun: false })).record;
  }

  files(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, name.name);
        if (name.isDirectory()) walk(p);
        else out[p.slice(this.root.length + 1)] = readFileSync(p, 'utf8');
      }
    };
    if (existsSync(this.root)) walk(this.root);
    return out;
  }
}

export async function spec(file: string): Promise<Spec> {
  const r = loadSpecFile(join(ROOT, file));
  if (!r.spec) throw new Error(`${file}: ${JSON.stringify(r.diagnostics)}`);
  return r.spec;
}
