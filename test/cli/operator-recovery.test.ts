/**
 * Fail closed without deadlock: a failing gate while paused restarts the soak (issue 14.1);
 * lost or unreadable event lines hold until an operator acknowledges them (14.5, 14.6); a clock
 * jump forward holds until an operator resets the clock (14.15). Real processes, real files.
 */
import { appendFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { HARD_LINE, HEALTHY_LINE, Rollout, T0 } from '../helpers/repro-rollout.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

function control(r: Rollout, action: string, nowMs: number, reason = 'on-call decision') {
  const run = rollgate(['control', r.spec, action, '--reason', reason, '--actor', 'alice', '--root', r.w.root, '--now', String(nowMs), '--format', 'json']);
  return { ...run, record: run.stdout ? (JSON.parse(run.stdout) as { decision: string; reasons: string[]; override?: { action: string } }) : null };
}

const fresh = (r: Rollout, atMs: number, queue = 0) => r.state(`{"health":{"updated_unix_ms":${atMs},"queue_depth":${queue}}}`);

describe('a gate failing while paused restarts the soak', () => {
  it('pause, queue_depth 5 for 20 minutes, resume: the next check waits, and promotes only 5m after the last failure', () => {
    const r = new Rollout();
    expect(r.evaluate(T0).record.decision).toBe('wait');
    expect(control(r, 'pause', T0 + MIN).code).toBe(0);
    for (let m = 2; m <= 20; m += 6) {
      fresh(r, T0 + m * MIN - 1000, 5);
      const held = r.evaluate(T0 + m * MIN);
      expect(held.record.decision).toBe('hold');
      expect(held.record.gates.find((g) => g.name === 'queue')!.result).toBe('fail');
    }
    fresh(r, T0 + 21 * MIN, 0);
    expect(control(r, 'resume', T0 + 21 * MIN).code).toBe(0);
    fresh(r, T0 + 22 * MIN - 1000);
    const after = r.evaluate(T0 + 22 * MIN);
    expect(after.record.decision).toBe('wait'); // the soak restarted at the failing check at T0+20m
    expect(after.record.soak.held_ms).toBe(2 * MIN);
    fresh(r, T0 + 25 * MIN - 1000);
    expect(r.evaluate(T0 + 25 * MIN).record.decision).toBe('promote');
  });
});

describe('lost or unreadable event lines: hold, then acknowledge', () => {
  it('a hard line rotated away and deleted holds with a sentence; acknowledge restarts the windows and the soak', () => {
    const r = new Rollout();
    expect(r.evaluate(T0).record.decision).toBe('wait');
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    renameSync(r.path('s/runtime-events.jsonl'), r.path('s/runtime-events.jsonl.1'));
    rmSync(r.path('s/runtime-events.jsonl.1'));
    r.w.raw('s/runtime-events.jsonl', HEALTHY_LINE);
    for (const m of [5, 10]) {
      fresh(r, T0 + m * MIN - 1000);
      const held = r.evaluate(T0 + m * MIN);
      expect(held.record.decision).toBe('hold');
      const gate = held.record.gates.find((g) => g.name === 'no-hard-errors')!;
      expect(gate.result).toBe('error');
      expect(gate.message).toMatch(/events\.phase is unknown/);
      expect(gate.message).toMatch(/acknowledge/);
    }
    const ack = control(r, 'acknowledge', T0 + 11 * MIN, 'rotated away during the disk incident; checked by hand');
    expect(ack.code).toBe(0); // applied (its record holds: the soak restarts)
    expect(ack.record!.override!.action).toBe('acknowledge');
    expect(ack.record!.reasons.join(' ')).toMatch(/surface `s`/);
    const audit = readFileSync(r.path('.rollgate/false-pass/actions-audit.jsonl'), 'utf8');
    expect(audit).toMatch(/"action":"acknowledge"/);
    fresh(r, T0 + 12 * MIN - 1000);
    expect(r.evaluate(T0 + 12 * MIN).record.decision).toBe('wait');
    fresh(r, T0 + 16 * MIN - 1000);
    expect(r.evaluate(T0 + 16 * MIN).record.decision).toBe('promote');
  });

  it('an invalid line that may carry reason codes holds until acknowledged; a new one after that holds again', () => {
    const r = new Rollout();
    expect(r.evaluate(T0).record.decision).toBe('wait');
    appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":"case_processing_failed"}\n');
    fresh(r, T0 + 5 * MIN);
    expect(r.evaluate(T0 + 5 * MIN).record.decision).toBe('hold');
    expect(control(r, 'acknowledge', T0 + 6 * MIN).code).toBe(0);
    fresh(r, T0 + 7 * MIN);
    expect(r.evaluate(T0 + 7 * MIN).record.decision).toBe('wait');
    appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":["case_processing_failed",1]}\n');
    fresh(r, T0 + 12 * MIN);
    expect(r.evaluate(T0 + 12 * MIN).record.decision).toBe('hold');
  });

  it('acknowledge with nothing unknown is refused (64) and changes nothing', () => {
    const r = new Rollout();
    r.evaluate(T0);
    const before = readFileSync(r.path('.rollgate/false-pass/decisions.jsonl'), 'utf8');
    const ack = control(r, 'acknowledge', T0 + MIN);
    expect(ack.code).toBe(64);
    expect(ack.stderr).toMatch(/nothing to acknowledge/);
    expect(readFileSync(r.path('.rollgate/false-pass/decisions.jsonl'), 'utf8')).toBe(before);
  });
});

describe('a clock jump forward', () => {
  it('holds every check as clock skew until reset-clock, which restarts the soak from now', () => {
    const r = new Rollout();
    expect(r.evaluate(T0).record.decision).toBe('wait');
    // A checker whose clock ran 30 days ahead (it finds the state stale and holds).
    expect(r.evaluate(T0 + 30 * DAY).record.decision).toBe('hold');
    fresh(r, T0 + 10 * MIN - 1000);
    const skew = r.evaluate(T0 + 10 * MIN);
    expect(skew.record.decision).toBe('hold');
    expect(skew.record.reasons[0]).toMatch(/clock skew.*reset-clock/);
    const reset = control(r, 'reset-clock', T0 + 11 * MIN, 'the check at T0+30d ran on a host with a wrong clock');
    expect(reset.code).toBe(0); // applied
    expect(reset.record!.reasons[0]).toMatch(/clock reset by alice/);
    fresh(r, T0 + 12 * MIN - 1000);
    expect(r.evaluate(T0 + 12 * MIN).record.decision).toBe('wait');
    fresh(r, T0 + 16 * MIN - 1000);
    expect(r.evaluate(T0 + 16 * MIN).record.decision).toBe('promote');
  });

  it('reset-clock without a jump is refused (64)', () => {
    const r = new Rollout();
    r.evaluate(T0);
    const reset = control(r, 'reset-clock', T0 + MIN);
    expect(reset.code).toBe(64);
    expect(reset.stderr).toMatch(/no clock jump to undo/);
  });
});
