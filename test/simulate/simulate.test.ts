/** `rollgate simulate`: timelines replayed through the real observation code and engine. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const simulate = (...args: string[]) => rollgate(['simulate', ...args]);

describe('rollgate simulate', () => {
  it('replays a healthy custom-command release to completion, the same way every time', () => {
    const a = simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-healthy.yaml');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('2026-02-16T09:30:00Z  promote  canary-2 (25%)');
    expect(a.stdout).toContain('2026-02-16T10:30:00Z  promote  canary-3 (50%)');
    expect(a.stdout).toContain('2026-02-16T12:30:00Z  promote  general-availability (100%)');
    expect(a.stdout).toMatch(/\nend: completed at 2026-02-17T12:30:00.000Z\n$/);
    expect(simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-healthy.yaml').stdout).toBe(a.stdout);
  });

  it('the cross-surface release, a check every 5 minutes for over two days: the full phase history', () => {
    const r = simulate('specs/release.yaml', '--timeline', 'fixtures/timelines/release-healthy.yaml');
    expect(r.stdout.split('\n')[0]).toBe('release on fixtures/timelines/release-healthy.yaml: 625 checks');
    for (const phase of ['canary-1 (5%)', 'canary-2 (25%)', 'canary-3 (50%)', 'general-availability (100%)']) expect(r.stdout).toMatch(new RegExp(`promote +${phase.replace(/[()]/g, '\\$&')}`));
    expect(r.stdout).toMatch(/hold +general-availability \(100%\) +gate `signoff-complete` errored/);
    expect(r.stdout).toMatch(/\nend: completed at 2026-02-18T10:55:00.000Z\n$/);
  });

  it('names the trigger and the instant of a rollback; json gives the decision records', () => {
    const r = simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-degraded.yaml');
    expect(r.stdout).toMatch(/\nend: rolled back at 2026-02-16T09:45:00.000Z in canary-2 by trigger health-regression\n$/);
    const records = JSON.parse(simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-degraded.yaml', '--format', 'json').stdout) as DecisionRecord[];
    expect(records).toHaveLength(37);
    expect(records[9]).toMatchObject({ check: 10, decision: 'rollback', phase: { name: 'canary-2' } });
    expect(records[9]!.gates[0]!.trace.length).toBeGreaterThan(0);
  });

  it('--spec-b shows where two specs diverge on the same timeline', () => {
    const dir = tempDir('spec-b');
    const b = join(dir, 'custom-command.yaml');
    writeFileSync(b, readFileSync(join(ROOT, 'specs/custom-command.yaml'), 'utf8').replace('    consecutive: 2\n', '    consecutive: 3\n'));
    const r = simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-degraded.yaml', '--spec-b', b);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2026-02-16T09:45:00Z  A rollback canary-2 \(25%\) +trigger `health-regression` fired/);
    expect(r.stdout).toMatch(/ {22}B hold +canary-2 \(25%\)/);
    expect(r.stdout).toMatch(/end A: rolled back at 2026-02-16T09:45:00.000Z .*\nend B: rolled back at 2026-02-16T09:50:00.000Z/);
  });

  it('a timeline recorded from the state directories gives the same decisions as the scripted one', () => {
    const dir = tempDir('recorded');
    const scripted = JSON.parse(simulate('specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-degraded.yaml', '--format', 'json', '--record', join(dir, 'snapshots')).stdout) as DecisionRecord[];
    writeFileSync(join(dir, 'recorded.yaml'), 'recorded: { dir: snapshots }\n');
    const replayed = JSON.parse(simulate('specs/custom-command.yaml', '--timeline', join(dir, 'recorded.yaml'), '--format', 'json').stdout) as DecisionRecord[];
    expect(replayed.map((r) => [r.evaluated_unix_ms, r.decision, r.phase.name, r.reasons])).toEqual(scripted.map((r) => [r.evaluated_unix_ms, r.decision, r.phase.name, r.reasons]));
  });

  it('files the runtime creates mid-run are seen at the next check: state.json written after being missing, control-state.json after none', () => {
    // The replay remembers a file found missing until it writes the tree again: each of these
    // writes must make the next check look again.
    const dir = tempDir('created-mid-run');
    const timeline = join(dir, 'timeline.yaml');
    writeFileSync(timeline, [
      'start: 2026-02-16T09:00:00Z',
      'until: 20m',
      'every: 5m',
      'surfaces:',
      '  custom-command: { cycle: [ command_runs_recorded ], state: missing }',
      'events:',
      '  - { at: 10m, state: ok }',
      '  - { at: 20m, pause: true }',
      '',
    ].join('\n'));
    const r = simulate('specs/custom-command.yaml', '--timeline', timeline);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n');
    expect(rows[1]).toMatch(/^2026-02-16T09:00:00Z  hold .*state\.json does not exist.*\(×2, until 2026-02-16T09:05:00Z\)$/);
    expect(rows[2]).toMatch(/^2026-02-16T09:10:00Z  wait +canary-1 \(5%\) +all gates pass; soaking canary-1: 5m of 30m held, 25m left \(×2, until 2026-02-16T09:15:00Z\)$/);
    expect(rows[3]).toMatch(/^2026-02-16T09:20:00Z  hold +canary-1 \(5%\) +surface `custom-command` is paused by its operator \(control-state\.json mode: paused\)$/);
  });

  it('a timeline with a typo is an error at its line and column (65); a missing one is 66', () => {
    const dir = tempDir('bad-timeline');
    writeFileSync(join(dir, 't.yaml'), 'until: 1h\nevents:\n  - { at: 10m, degarde: true }\n');
    const r = simulate('specs/custom-command.yaml', '--timeline', join(dir, 't.yaml'));
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/t.yaml:3:16: error: unknown key `degarde` in `events\[0\]`; did you mean `degrade`\?/);
    expect(simulate('specs/custom-command.yaml', '--timeline', join(dir, 'nope.yaml')).code).toBe(66);
  });
});

describe('rollgate simulate: timelines that do not fit the spec', () => {
  it('a surface the spec does not have is an error (65) with a suggestion, not a silent no-op', () => {
    const dir = tempDir('sim-names');
    writeFileSync(join(dir, 't.yaml'), 'until: 10m\nsurfaces:\n  custom-comand: { cycle: [ command_runs_recorded ] }\n');
    const r = simulate('specs/custom-command.yaml', '--timeline', join(dir, 't.yaml'));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('surfaces.custom-comand: the spec has no surface `custom-comand`; did you mean `custom-command`?');
  });
});
