/** `rollgate journal`: the decision history, and --verify for auditors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const STATE_DIR = '.tau/custom-command';

function threeChecks(): World {
  const w = new World();
  for (let i = 0; i < 3; i++) {
    w.state(STATE_DIR, 'custom-command', T0 + i * 5 * MIN - 5000).events(STATE_DIR, ['command_runs_recorded']);
    w.evaluate('specs/custom-command.yaml', T0 + i * 5 * MIN);
  }
  rollgate(['control', SPEC, 'pause', '--reason', 'INC-7', '--actor', 'ann', '--root', w.root]);
  return w;
}

describe('rollgate journal', () => {
  it('lists every record, manual actions with their actor; --verify passes on an intact history', () => {
    const w = threeChecks();
    const r = rollgate(['journal', SPEC, '--root', w.root, '--verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('custom-command: 4 records in');
    expect(r.stdout).toMatch(/#1 +2026-02-16T09:00:00.000Z {2}wait +canary-1 \(5%\) +all gates pass/);
    expect(r.stdout).toMatch(/#4 .*hold +canary-1 \(5%\) +\[ann: pause\] paused by ann: INC-7/);
    expect(r.stdout).toContain('verify: the hash chain of 4 records is intact; check numbers run 1 to 4 without a gap or a repeat');
    expect(r.stdout).toContain('verify: rollout.json agrees with the last record');
    const json = JSON.parse(rollgate(['journal', SPEC, '--root', w.root, '--verify', '--format', 'json', '--limit', '2']).stdout);
    expect(json.records.map((x: { check: number }) => x.check)).toEqual([3, 4]);
    expect(json.verification).toMatchObject({ ok: true, records: 4, broken: null, state: { ok: true } });
  });

  it('an edited record breaks the chain: exit 65 and the first broken line', () => {
    const w = threeChecks();
    const path = w.path('.rollgate/custom-command/decisions.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"decision":"wait"', '"decision":"promote"');
    writeFileSync(path, lines.join('\n'));
    const r = rollgate(['journal', SPEC, '--root', w.root, '--verify']);
    expect(r.code).toBe(65);
    expect(r.stdout).toContain('verify: BROKEN at line 2');
    expect(r.stderr).toContain('decisions.jsonl:2: the record does not match its hash (edited?)');
  });

  it('a rollout.json that disagrees with the journal: exit 65 naming the difference', () => {
    const w = threeChecks();
    const path = w.path('.rollgate/custom-command/rollout.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"checks": 4', '"checks": 9'));
    const r = rollgate(['journal', SPEC, '--root', w.root, '--verify']);
    expect(r.code).toBe(65);
    expect(r.stdout).toContain('verify: rollout.json DISAGREES with the journal: rollout.json is at check 9, the journal at check 4');
  });

  it('no checks yet is not an error', () => {
    const w = new World();
    const r = rollgate(['journal', SPEC, '--root', w.root, '--verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('custom-command: no checks yet');
  });
});
