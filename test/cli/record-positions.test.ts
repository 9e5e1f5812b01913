/**
 * Decision records point at the spec: every gate and trigger of specs/release.yaml carries, in
 * `evaluate --format json`, the file (as given), line and column where its `rule` / `when` is
 * written, and `--format github` annotates that line. The expected positions are found by
 * reading the YAML text here, not taken from the code's source map.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = 'specs/release.yaml';
const LINES = readFileSync(resolve(ROOT, SPEC), 'utf8').split('\n');

/** The first line index at or after `from` that matches, or a thrown error naming what was sought. */
function lineAfter(from: number, test: RegExp, what: string): number {
  for (let i = from; i < LINES.length; i++) if (test.test(LINES[i]!)) return i;
  throw new Error(`${SPEC}: no ${what} after line ${from + 1}`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where the value of `key:` starts, the first `key:` line after line index `from`: same line, or the next written one. */
function valueOf(from: number, key: 'rule' | 'when'): { line: number; col: number } {
  const at = lineAfter(from, new RegExp(`^\\s*${key}:`), `${key}:`);
  const rest = LINES[at]!.slice(LINES[at]!.indexOf(`${key}:`) + key.length + 1);
  if (rest.trim() !== '') return { line: at + 1, col: LINES[at]!.length - rest.length + rest.search(/\S/) + 1 };
  const next = lineAfter(at + 1, /^\s*[^\s#]/, `the value of ${key}:`);
  return { line: next + 1, col: LINES[next]!.search(/\S/) + 1 };
}

/** Where phase `phase` of the YAML writes the rule of gate `gate`. */
function gateAt(phase: string, gate: string) {
  const phases = lineAfter(0, /^phases:/, 'phases:');
  const p = lineAfter(phases, new RegExp(`^  - name: ${escape(phase)}\\s*$`), `phase ${phase}`);
  const next = LINES.findIndex((l, i) => i > p && /^  - name: |^\S/.test(l));
  const g = lineAfter(p, new RegExp(`^\\s+- name: ${escape(gate)}\\s*$`), `gate ${gate} in ${phase}`);
  expect(next === -1 || g < next, `gate ${gate} is written in phase ${phase}`).toBe(true);
  return valueOf(g + 1, 'rule');
}

function triggerAt(trigger: string) {
  const triggers = lineAfter(0, /^triggers:/, 'triggers:');
  return valueOf(lineAfter(triggers, new RegExp(`^  - name: ${escape(trigger)}\\s*$`), `trigger ${trigger}`) + 1, 'when');
}

/** Every gate and trigger name the YAML declares, read from the text. */
function declared(): { gates: [phase: string, gate: string][]; triggers: string[] } {
  const gates: [string, string][] = [];
  const triggers: string[] = [];
  let section = '';
  let phase = '';
  for (const line of LINES) {
    const top = /^([a-zA-Z]+):/.exec(line);
    if (top) section = top[1]!;
    const item = /^  - name: (\S+)\s*$/.exec(line);
    const nested = /^      - name: (\S+)\s*$/.exec(line);
    if (section === 'phases' && item) phase = item[1]!;
    if (section === 'phases' && nested) gates.push([phase, nested[1]!]);
    if (section === 'triggers' && item) triggers.push(item[1]!);
  }
  return { gates, triggers };
}

describe('decision records point at the spec (specs/release.yaml)', () => {
  const SURFACES = ['voice', 'browser', 'dashboard', 'custom-command', 'memory'] as const;
  const codes: Record<string, string[]> = { dashboard: ['widget_views_updated', 'control_actions_applied'], 'custom-command': ['command_runs_recorded'], voice: ['turns_handled'], browser: ['healthy_cycle'], memory: ['healthy_cycle'] };
  const cycle = (w: World, at: number, health: Record<string, Record<string, number>> = {}) => {
    for (const name of SURFACES) w.state(`.tau/${name}`, name, at - MIN, health[name] ?? {}).events(`.tau/${name}`, codes[name]!);
  };
  const world = () =>
    new World()
      .json('release/harness-report.json', { overall: { status: 'passed', total_surfaces: 5, passed_surfaces: 5, failed_surfaces: 0 }, surface_status: {}, failed_surfaces: [] })
      .json('release/smoke-matrix.json', { status: 'passed', jobs: [{ name: 'linux', status: 'passed' }] })
      .raw('release/rollback-target.yaml', 'version: 2026.02.1\nrecorded_by: release-bot\n')
      .json('release/browser-live-summary.json', { timeline: [{ case_id: 'b1', operation: 'RUN', action: 'open', replay_step: 'success', status_code: 200, error_code: '' }] });
  /** `rollgate evaluate specs/release.yaml` from the repository root: the spec path as a user types it. */
  const evaluate = (w: World, atMs: number, format = 'json', ...args: string[]) =>
    rollgate(['evaluate', SPEC, '--root', w.root, '--now', String(atMs), '--format', format, ...args]);

  it('every gate (inherited ones at the phase that declares them) and every trigger carries file, line and col', () => {
    const w = world();
    const records: DecisionRecord[] = [];
    // preflight, canary-1, canary-2, canary-3, then a check in general availability (which inherits canary-1..3).
    for (const offset of [0, 30, 90, 210, 215]) {
      cycle(w, T0 + offset * MIN);
      const run = evaluate(w, T0 + offset * MIN);
      expect(run.code, run.stderr).not.toBeNull();
      records.push(JSON.parse(run.stdout) as DecisionRecord);
    }
    expect(records.map((r) => r.phase.name)).toEqual(['canary-1', 'canary-2', 'canary-3', 'general-availability', 'general-availability']);

    const { gates, triggers } = declared();
    expect(new Set(gates.map(([p]) => p))).toEqual(new Set(['preflight', 'canary-1', 'canary-2', 'canary-3', 'general-availability']));
    expect(triggers).toEqual(['health-regression', 'failure-streak-breach', 'hard-runtime-errors', 'browser-execution-failure', 'validation-gate-failure']);
    const seenGates = new Set<string>();
    const seenTriggers = new Set<string>();
    for (const r of records) {
      for (const g of r.gates) {
        expect(g.source, `${g.phase}/${g.name}`).toEqual({ file: SPEC, ...gateAt(g.phase, g.name) });
        seenGates.add(`${g.phase}/${g.name}`);
      }
      for (const t of r.triggers) {
        expect(t.source, t.name).toEqual({ file: SPEC, ...triggerAt(t.name) });
        seenTriggers.add(t.name);
      }
      // A stable field order: the position comes last, file, line, col.
      for (const item of [...r.gates, ...r.triggers]) {
        expect(Object.keys(item).at(-1)).toBe('source');
        expect(Object.keys(item.source!)).toEqual(['file', 'line', 'col']);
      }
    }
    expect([...seenGates].sort()).toEqual(gates.map(([p, g]) => `${p}/${g}`).sort());
    expect([...seenTriggers].sort()).toEqual([...triggers].sort());

    // The last check runs in general availability: canary-1's `healthy`, inherited, points at canary-1's line.
    const inherited = records.at(-1)!.gates.find((g) => g.name === 'healthy' && g.surface === 'voice')!;
    expect(inherited.phase).toBe('canary-1');
    const line = inherited.source!.line;
    expect(LINES[line - 1]).toMatch(/^\s+rule: /);
    expect(LINES.slice(0, line).reverse().find((l) => /^\s+- name: /.test(l))!.trim()).toBe('- name: healthy');
    expect(LINES.slice(0, line).reverse().find((l) => /^  - name: /.test(l))!.trim()).toBe('- name: canary-1');
  });

  it('the file is the spec path as given: an absolute path stays absolute', () => {
    const w = world();
    cycle(w, T0);
    const { record } = w.evaluate(SPEC, T0, '--dry-run');
    expect(record.gates[0]!.source).toEqual({ file: resolve(ROOT, SPEC), ...gateAt('preflight', record.gates[0]!.name) });
  });

  it('github: a failing inherited gate is annotated at its line in the phase that declared it; text says where too', () => {
    const w = world();
    for (const offset of [0, 30]) {
      cycle(w, T0 + offset * MIN);
      expect(JSON.parse(evaluate(w, T0 + offset * MIN).stdout).decision).toBe('promote');
    }
    // In canary-2, the dashboard's queue is 3 deep: `queue-depth`, declared in canary-1, fails.
    cycle(w, T0 + 35 * MIN, { dashboard: { queue_depth: 3 } });
    const json = JSON.parse(evaluate(w, T0 + 35 * MIN, 'json', '--dry-run').stdout) as DecisionRecord;
    expect([json.decision, json.phase.name]).toEqual(['hold', 'canary-2']);
    const failing = json.gates.filter((g) => g.result !== 'pass');
    expect(failing.map((g) => `${g.phase}/${g.name} [${g.surface}]`)).toEqual(['canary-1/queue-depth [dashboard]']);
    const { line, col } = gateAt('canary-1', 'queue-depth');

    const github = evaluate(w, T0 + 35 * MIN, 'github', '--dry-run');
    expect(github.code).toBe(1);
    const annotations = github.stdout.split('\n').filter((l) => l.includes('title=gate '));
    expect(annotations).toEqual([`::warning file=${SPEC},line=${line},col=${col},title=gate queue-depth [dashboard] fail::surface.health.queue_depth = 3, expected <= 1`]);
    expect(LINES[line - 1]!.trim()).toBe('rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] }');

    const text = evaluate(w, T0 + 35 * MIN, 'text', '--dry-run').stdout.split('\n');
    expect(text).toContain(`  FAIL queue-depth [dashboard]: surface.health.queue_depth = 3, expected <= 1 (${SPEC}:${line}:${col})`);
  });
});
