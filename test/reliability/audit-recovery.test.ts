/**
 * A manual action is journaled, then audited. A crash in between (SIGKILL at `after-journal`, or
 * at `before-audit` after the state is saved) loses the audit line: the next locked operation
 * restores it from the record, and `journal --verify` fails on an override record without its
 * audit line unless an interrupted commit explains it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const CC = '.tau/custom-command';
const AUDIT = '.rollgate/custom-command/actions-audit.jsonl';

const healthy = (w: World, at: number) => w.state(CC, 'custom-command', at - 5000).events(CC, ['command_runs_recorded']);
const audit = (w: World) => (existsSync(w.path(AUDIT)) ? readFileSync(w.path(AUDIT), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
const control = (w: World, at: number, action: string, env: Record<string, string> = {}) => rollgate(['control', SPEC, action, '--reason', `INC-${action}`, '--actor', 'ann', '--root', w.root, '--now', String(at), '--format', 'json'], ROOT, env);
const verify = (w: World) => rollgate(['journal', SPEC, '--root', w.root, '--verify']);
const verifyJson = (w: World) => JSON.parse(rollgate(['journal', SPEC, '--root', w.root, '--verify', '--format', 'json']).stdout) as { verification: { ok: boolean; audit: { ok: boolean; missing: { check: number }[] } } };

function started(): World {
  const w = new World();
  healthy(w, T0);
  expect(w.evaluate('specs/custom-command.yaml', T0).code).toBe(0);
  return w;
}

const pauseLine = (at: number) => ({
  schema_version: 1, request_id: `rollgate-action-${at}`, action: 'pause', actor: 'ann', reason: 'INC-pause',
  status: 'accepted', timestamp_unix_ms: at, control_mode: 'paused', rollout: 'custom-command',
});

describe('the audit line of a manual action lost in a crash', () => {
  it.each([
    ['control', (w: World, at: number) => control(w, at, 'resume')],
    ['evaluate', (w: World, at: number) => { healthy(w, at); return rollgate(['evaluate', SPEC, '--root', w.root, '--now', String(at), '--format', 'json']); }],
  ])('after-journal: the pause is applied, the audit is empty; the next %s restores the line', (_next, next) => {
    const w = started();
    const at = T0 + 5 * MIN;
    expect(control(w, at, 'pause', { ROLLGATE_FAULT: 'after-journal' }).code).toBe(null); // killed
    expect(audit(w)).toEqual([]);
    // Right after the crash, the interrupted commit explains the missing line.
    expect(verify(w).code).toBe(0);
    const r = next(w, at + 5 * MIN);
    expect(r.code, r.stderr).not.toBe(null);
    expect((JSON.parse(r.stdout) as { notes: string[] }).notes.join(' ')).toContain('restored the audit line of check 2 (pause by ann), which a crash lost after the action was journaled');
    expect(audit(w)[0]).toEqual(pauseLine(at));
    const v = verify(w);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('verify: every manual action in the journal (');
  });

  it('before-audit (the state already saved): verify fails until the next command restores the line', () => {
    const w = started();
    const at = T0 + 5 * MIN;
    expect(control(w, at, 'pause', { ROLLGATE_FAULT: 'before-audit' }).code).toBe(null);
    expect(audit(w)).toEqual([]);
    const v = verify(w);
    expect(v.code).toBe(65);
    expect(v.stderr).toContain('has no line for the pause of check 2 (request_id rollgate-action-');
    expect(control(w, at + MIN, 'resume').code).toBe(0);
    expect(audit(w).map((l) => l.action)).toEqual(['pause', 'resume']);
    expect(audit(w)[0]).toEqual(pauseLine(at));
    expect(verify(w).code).toBe(0);
  });

  it('a hand-deleted audit file: verify fails naming the check, passes once recovery restored it', () => {
    const w = started();
    expect(control(w, T0 + 5 * MIN, 'pause').code).toBe(0);
    expect(verify(w).code).toBe(0);
    rmSync(w.path(AUDIT));
    const v = verify(w);
    expect(v.code).toBe(65);
    expect(v.stdout).toContain('verify: actions-audit.jsonl LACKS the line of check 2');
    expect(v.stderr).toMatch(/actions-audit\.jsonl has no line for the pause of check 2 \(request_id rollgate-action-\d+, journal line 2\)/);
    expect(verifyJson(w).verification).toMatchObject({ ok: false, audit: { ok: false, missing: [{ check: 2 }] } });
    healthy(w, T0 + 10 * MIN);
    expect(w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN).record.notes.join(' ')).toContain('restored the audit line of check 2');
    expect(verify(w).code).toBe(0);
    expect(verifyJson(w).verification).toMatchObject({ ok: true, audit: { ok: true, missing: [] } });
  });

  it('an audit line edited away among others is found missing; a line matching on instant and action counts', () => {
    const w = started();
    expect(control(w, T0 + 5 * MIN, 'pause').code).toBe(0);
    expect(control(w, T0 + 6 * MIN, 'resume').code).toBe(0);
    const lines = audit(w);
    writeFileSync(w.path(AUDIT), JSON.stringify(lines[1]) + '\n');
    expect(verifyJson(w).verification.audit.missing).toEqual([expect.objectContaining({ check: 2, action: 'pause' })]);
    // Another request_id, same instant and action (e.g. written by another tool): it counts.
    writeFileSync(w.path(AUDIT), JSON.stringify({ ...lines[0], request_id: 'other-1' }) + '\n' + JSON.stringify(lines[1]) + '\n');
    expect(verify(w).code).toBe(0);
  });

  it('a torn last audit line does not swallow the next one', () => {
    const w = started();
    expect(control(w, T0 + 5 * MIN, 'pause').code).toBe(0);
    writeFileSync(w.path(AUDIT), readFileSync(w.path(AUDIT), 'utf8') + '{"schema_version":1,"requ');
    expect(control(w, T0 + 6 * MIN, 'resume').code).toBe(0);
    expect(audit.bind(null, w)).toThrow(); // the torn line is still there, on its own
    const text = readFileSync(w.path(AUDIT), 'utf8').split('\n');
    expect(JSON.parse(text[2]!)).toMatchObject({ action: 'resume' });
    expect(verify(w).code).toBe(0);
  });
});
