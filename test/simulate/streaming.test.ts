/** `rollgate simulate` streams (issue 20): the same bytes as rendering the whole simulation at once. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/spec/load-spec.js';
import { loadTimelineFile } from '../../src/simulate/timeline.js';
import { simulate } from '../../src/simulate/simulate.js';
import { SIMULATE_RENDERERS, simulationStream } from '../../src/report/simulate.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');

describe('simulate streams', () => {
  // Manual actions (one refused: a resume when not paused) leave the check count open until they have run.
  const dir = tempDir('streaming');
  const timeline = join(dir, 't.yaml');
  writeFileSync(timeline, [
    'every: 5m', 'until: 3h', 'surfaces:', '  custom-command: { cycle: [ command_runs_recorded ] }', 'events:',
    '  - { at: 10m, control: { action: pause, reason: x } }', '  - { at: 20m, control: { action: resume, reason: y } }',
    '  - { at: 25m, control: { action: resume, reason: z } }', '  - { at: 50m, degrade: true }', '',
  ].join('\n'));

  it('each format, one spec and two, prints what the whole-simulation renderers print', async () => {
    const spec = loadSpecFile(SPEC).spec!;
    const t = loadTimelineFile(timeline).timeline!;
    const whole = await simulate(spec, t, { trace: true });
    for (const format of ['text', 'markdown', 'json'] as const) {
      for (const runs of [1, 2]) {
        const head = { specs: Array.from({ length: runs }, () => ({ name: spec.name, file: spec.file })), timeline: t.file };
        const out: string[] = [];
        const sink = simulationStream(format, head, (s) => out.push(s));
        let told: number | null = null;
        for (let i = 0; i < runs; i++) {
          const result = await simulate(spec, t, { trace: true, onRecord: (r) => sink.record(i, r), onChecks: (n) => { told = n; sink.checks(i, n); } });
          expect(told).toBe(whole.checks);
          sink.end(i, result);
          sink.stop(i);
        }
        expect(out.join('')).toBe(SIMULATE_RENDERERS[format]({ ...head, results: Array.from({ length: runs }, () => whole) }).stdout);
      }
    }
  });

  it('the CLI: json is the whole array, text counts the checks the actions left', () => {
    const json = rollgate(['simulate', SPEC, '--timeline', timeline, '--format', 'json']);
    const records = JSON.parse(json.stdout) as unknown[];
    const text = rollgate(['simulate', SPEC, '--timeline', timeline]);
    expect(text.stdout.split('\n')[0]).toBe(`custom-command on ${timeline}: ${records.length} checks`);
    expect(records.length).toBe(37 + 2);
  });
});
