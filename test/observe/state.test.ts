import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseControlState } from '../../src/observe/control-state.js';
import { applyPause, classifyHealth } from '../../src/tau/health.js';
import { parseState, readStateFile } from '../../src/observe/state-file.js';
import { zeroHealth } from '../../src/tau/health.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('state.json', () => {
  it('missing health fields read 0; extra keys are ignored', () => {
    const r = parseState('{"schema_version":1,"commands":[],"health":{"failure_streak":2,"new_field":9},"extra":true}');
    expect(r).toMatchObject({ present: true, kind: 'custom-command', health: { ...zeroHealth(), failure_streak: 2 } });
  });

  it.each([
    ['', /empty/],
    ['{"schema_version":1,"health":{"queue_de', /not valid JSON .* half-written/],
    ['[1,2]', /not a JSON object/],
    ['{"health":[]}', /state\.json: health = \[\]; the producer's type is TransportHealthSnapshot \(an object\)/],
    ['{"health":{"queue_depth":-1}}', /state\.json: health\.queue_depth = -1; the producer's type is usize \(a non-negative integer\)/],
    ['{"health":{"queue_depth":"3"}}', /health.queue_depth = "3"/],
    ['{"health":{"failure_streak":1.5}}', /health.failure_streak = 1.5/],
  ])('%j is unavailable, with the reason', (text, reason) => {
    const r = parseState(text);
    expect(r.present).toBe(false);
    expect(!r.present && r.reason).toMatch(reason);
  });

  it.each([
    ['{"widget_views":[{"widget_id":"x"}],"control_audit":[]}', 'dashboard'],
    ['{"interactions":[]}', 'voice'],
    ['{"rollouts":[]}', 'deployment'],
    ['{"entries":[]}', 'memory'],
    ['{"results":[]}', 'browser'],
    ['{"commands":[],"widget_views":[]}', 'unknown'],
    ['{}', 'unknown'],
  ])('kind of %s is %s', (text, kind) => {
    expect(parseState(text)).toMatchObject({ kind });
  });

  it('a missing file is unavailable, never healthy; the producer\'s temp files are ignored', () => {
    const dir = tempDir('state');
    writeFileSync(join(dir, '.state.json.tmp-4242'), '{"health":{}}');
    expect(readStateFile(join(dir, 'state.json'))).toEqual({ present: false, reason: 'state.json does not exist (the runtime has not written it yet)' });
    writeFileSync(join(dir, 'state.json'), '{"schema_version":1,"health":{"queue_depth":1}}');
    expect(readStateFile(join(dir, 'state.json'))).toMatchObject({ present: true, health: { queue_depth: 1 } });
  });
});

describe('control-state.json', () => {
  it('paused, running, missing (running) and half-written (held)', () => {
    expect(parseControlState('{"schema_version":1,"mode":"paused","updated_unix_ms":90210,"last_action":null}')).toMatchObject({ mode: 'paused', present: true, updated_unix_ms: 90210 });
    expect(parseControlState('{"mode":"running"}').mode).toBe('running');
    expect(parseControlState(null)).toMatchObject({ mode: 'running', present: false });
    // Half-written (the producer writes it in place): held, and read again at the next check.
    expect(parseControlState('{"schema_version":1,"mode":"pau')).toMatchObject({ mode: 'unknown', note: expect.stringMatching(/half-written: holding until it says running or paused$/) });
  });
});

describe('the producer classification', () => {
  it.each([
    [{ failure_streak: 3 }, 'failing', 'transport failures are sustained (failure_streak=3)'],
    [{ failure_streak: 1 }, 'degraded', 'recent transport failures observed (failure_streak=1, last_cycle_failed=0)'],
    [{ last_cycle_failed: 2 }, 'degraded', 'recent transport failures observed (failure_streak=0, last_cycle_failed=2)'],
    [{ queue_depth: 5, last_cycle_duplicates: 3 }, 'healthy', 'no recent transport failures observed'],
  ])('%j is %s', (fields, state, reason) => {
    expect(classifyHealth({ ...zeroHealth(), ...fields })).toEqual({ state, reason });
  });

  it('a pause makes a healthy surface degraded, and leaves worse states alone', () => {
    expect(applyPause(classifyHealth(zeroHealth()), true)).toEqual({ state: 'degraded', reason: 'operator pause action is active' });
    expect(applyPause(classifyHealth({ ...zeroHealth(), failure_streak: 4 }), true).state).toBe('failing');
  });
});
