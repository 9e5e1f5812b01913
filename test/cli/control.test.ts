/** `rollgate control`: pause, resume, abort, promote, retry, on real files with the real CLI. */
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/store/journal.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { HOUR, MIN, T0, World } from '../helpers/world.js';

const CC = '.tau/custom-command';
const SPEC = 'specs/custom-command.yaml';
const healthy = (w: World, at: number) => w.state(CC, 'custom-command', at - MIN).events(CC, ['command_runs_recorded']);
const control = (w: World, at: number, ...args: string[]) =>
  rollgate(['control', join(ROOT, SPEC), ...args, '--root', w.root, '--now', String(at), '--format', 'json']);
const journal = (w: World) => verifyJournal(w.path('.rollgate/custom-command/decisions.jsonl'));
const audit = (w: World) => readFileSync(w.path('.rollgate/custom-command/actions-audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

function started(): World {
  const w = new World();
  healthy(w, T0);
  w.evaluate(SPEC, T0);
  return w;
}

describe('rollgate control', () => {
  it('pause holds even with every gate passing; triggers still roll back while paused', () => {
    const w = started();
    const p = control(w, T0 + MIN, 'pause', '--reason', 'waiting for the DB migration', '--actor', 'alice');
    // Applied: exit 0 (the decision it leads to, hold, is in the record).
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ decision: 'hold', status: 'paused', override: { action: 'pause', actor: 'alice', reason: 'waiting for the DB migration' } });
    healthy(w, T0 + 40 * MIN);
    const held = w.evaluate(SPEC, T0 + 40 * MIN);
    expect([held.code, held.record.decision, held.record.status]).toEqual([1, 'hold', 'paused']);
    expect(held.record.reasons).toEqual(['paused by alice since 2026-02-16T09:01:00.000Z: waiting for the DB migration']);
    expect(held.record.gates.every((g) => g.result === 'pass')).toBe(true);
    w.state(CC, 'custom-command', T0 + 44 * MIN, { failure_streak: 3 });
    const r = w.evaluate(SPEC, T0 + 45 * MIN);
    expect([r.code, r.record.decision]).toEqual([2, 'rollback']);
  });

  it('resume: the next check passes again (and promotes, the gates having passed all along)', () => {
    const w = started();
    control(w, T0 + MIN, 'pause', '--reason', 'freeze');
    healthy(w, T0 + 20 * MIN);
    expect(w.evaluate(SPEC, T0 + 20 * MIN).code).toBe(1);
    const r = control(w, T0 + 25 * MIN, 'resume', '--reason', 'freeze over');
    expect([r.code, JSON.parse(r.stdout).decision]).toEqual([0, 'wait']);
    healthy(w, T0 + 30 * MIN);
    expect(w.evaluate(SPEC, T0 + 30 * MIN).record.decision).toBe('promote');
    expect(audit(w).map((a) => [a.action, a.control_mode])).toEqual([['pause', 'paused'], ['resume', 'running']]);
    expect(audit(w)[0]).toEqual({
      schema_version: 1, request_id: `rollgate-action-${T0 + MIN}`, action: 'pause', actor: userInfo().username, reason: 'freeze',
      status: 'accepted', timestamp_unix_ms: T0 + MIN, control_mode: 'paused', rollout: 'custom-command',
    });
  });

  it('abort rolls back now: exit 0 (applied), rollback hooks, an incident bundle and an audit line', () => {
    const w = started();
    const r = control(w, T0 + 3 * MIN, 'abort', '--reason', 'error budget burnt', '--actor', 'bob');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: 'rollback', status: 'rolled_back', reasons: ['aborted by bob: error budget burnt'] });
    expect(readdirSync(w.path('.rollgate/custom-command/incidents'))).toHaveLength(1);
    expect(readFileSync(w.path('.rollgate/traffic.log'), 'utf8')).toMatch(/custom-command traffic=0% decision=rollback/);
    expect(audit(w)).toMatchObject([{ action: 'abort', actor: 'bob', control_mode: 'running' }]);
    expect(w.evaluate(SPEC, T0 + 10 * MIN).record.decision).toBe('rollback');
  });

  it('promote skips the soak once and shows as an override in the journal', () => {
    const w = started();
    const r = control(w, T0 + 5 * MIN, 'promote', '--reason', 'hotfix approved', '--actor', 'carol');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: 'promote', phase: { name: 'canary-2' }, previous_phase: { name: 'canary-1' }, reasons: ["promoted by carol: hotfix approved, overriding the gates and skipping 25m of canary-1's soak"] });
    const entries = journal(w);
    expect(entries.ok).toBe(true);
    expect(entries.entries.map((e) => [e.record.decision, (e.record.override as { action: string } | undefined)?.action ?? null])).toEqual([['wait', null], ['promote', 'promote']]);
    // canary-2 soaks normally from here: 60 minutes.
    healthy(w, T0 + 64 * MIN);
    expect(w.evaluate(SPEC, T0 + 64 * MIN).record.decision).toBe('wait');
    healthy(w, T0 + 65 * MIN);
    expect(w.evaluate(SPEC, T0 + 65 * MIN).record.decision).toBe('promote');
  });

  it('retry starts a rolled-back rollout again from its first phase', () => {
    const w = started();
    control(w, T0 + MIN, 'abort', '--reason', 'bad build');
    const r = control(w, T0 + 2 * HOUR, 'retry', '--reason', 'fixed in 2026.02.2');
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: 'wait', status: 'progressing', phase: { name: 'canary-1' } });
    healthy(w, T0 + 2 * HOUR + 30 * MIN);
    expect(w.evaluate(SPEC, T0 + 2 * HOUR + 30 * MIN).record.decision).toBe('promote');
  });

  it('an audit log that is a directory: exit 73 with a sentence; once it is moved aside, the next check restores the line', () => {
    const w = started();
    mkdirSync(w.path('.rollgate/custom-command/actions-audit.jsonl'));
    const p = control(w, T0 + MIN, 'pause', '--reason', 'db migration', '--actor', 'alice');
    expect(p.code).toBe(73);
    expect(p.stderr).toMatch(/cannot write .*actions-audit\.jsonl: it is a directory, where rollgate keeps a file; move it aside/);
    expect(p.stderr).not.toMatch(/internal error|\n\s+at /);
    rmSync(w.path('.rollgate/custom-command/actions-audit.jsonl'), { recursive: true });
    healthy(w, T0 + 5 * MIN);
    const next = w.evaluate(SPEC, T0 + 5 * MIN);
    expect(next.record.notes.join(' ')).toMatch(/restored the audit line of check 2 \(pause by alice\)/);
    expect(audit(w)).toEqual([expect.objectContaining({ action: 'pause', actor: 'alice' })]);
  });

  it('an action that makes no sense exits 64 with why, and changes nothing', () => {
    const w = started();
    const before = w.files();
    const cases: [string, RegExp][] = [
      ['resume', /cannot resume: the rollout is not paused \(it is progressing\); there is nothing to resume; nothing was changed/],
      ['retry', /cannot retry: retry restarts a rolled-back rollout; this one is progressing/],
    ];
    for (const [action, message] of cases) {
      const r = control(w, T0 + MIN, action, '--reason', 'x');
      expect(r.code, action).toBe(64);
      expect(r.stderr).toMatch(message);
    }
    expect(control(w, T0 + MIN, 'pause').stderr).toMatch(/pause needs --reason/);
    expect(control(w, T0 + MIN, 'pause').code).toBe(64);
    expect(rollgate(['control', join(ROOT, SPEC), 'pauze', '--reason', 'x']).code).toBe(64);
    expect(w.files()).toEqual(before);
  });
});
