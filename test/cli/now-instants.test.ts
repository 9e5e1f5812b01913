/**
 * `--now` accepts real instants in 1970..9999 only (a usage error, nothing written, otherwise),
 * and a journal or state an older rollgate wrote with an instant out of range is reported as
 * corrupt data (65) by every reader, never a RangeError stack.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNow } from '../../src/cli/parse-now.js';
import { GENESIS, recordHash } from '../../src/store/journal.js';
import { isoOf } from '../../src/time/instant.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const CC = '.tau/custom-command';
const RANGE = '1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';
const BAD = [
  '8640000000000001', '253402300800000', '99999999999999999999', '-1',
  '2026-02-30T00:10:00Z', '2026-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z',
  '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '10000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '1970-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00',
  '2026-06-30T23:59:60Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:00', '2026-01-01', 'yesterday', '2026-01-01T10:00:00+25:00',
];

describe('parseNow', () => {
  it('accepts ISO-8601 with a zone and unix ms inside the range', () => {
    expect(parseNow('2026-02-16T09:30:00Z')).toBe(Date.parse('2026-02-16T09:30:00Z'));
    expect(parseNow('2026-02-16T10:30:00+01:00')).toBe(Date.parse('2026-02-16T09:30:00Z'));
    expect(parseNow('2026-02-16T04:30:00.250-05:00')).toBe(Date.parse('2026-02-16T09:30:00.250Z'));
    expect(parseNow('2026-02-16T09:30Z')).toBe(Date.parse('2026-02-16T09:30:00Z'));
    expect(parseNow('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    expect(parseNow('2000-02-29T00:00:00Z')).toBe(Date.parse('2000-02-29T00:00:00Z'));
    expect(parseNow('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseNow('9999-12-31T23:59:59.999Z')).toBe(253402300799999);
    expect(parseNow('0')).toBe(0);
    expect(parseNow('1771234200000')).toBe(1771234200000);
    expect(parseNow('253402300799999')).toBe(253402300799999);
  });

  it.each(BAD)('refuses %s with the accepted range and forms', (value) => {
    expect(() => parseNow(value)).toThrow(RANGE);
    expect(() => parseNow('2100-02-29T00:00:00Z')).toThrow('2100-02 has 28 days');
  });

  it('isoOf never throws', () => {
    expect(isoOf(0)).toBe('1970-01-01T00:00:00.000Z');
    for (const v of [8640000000000001, Number.NaN, Infinity, -Infinity, '12', null, undefined, {}]) expect(() => isoOf(v)).not.toThrow();
    expect(isoOf(8640000000000001)).toBe('(not an instant: 8640000000000001)');
  });
});

describe('--now out of range on the command line', () => {
  it.each(BAD)('evaluate --now %s: exit 64, nothing written', (value) => {
    const w = new World();
    w.state(CC, 'custom-command', T0 - MIN).events(CC, ['command_runs_recorded']);
    const r = rollgate(['evaluate', SPEC, '--root', w.root, `--now=${value}`]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(RANGE);
    expect(r.stderr).not.toContain('RangeError');
    expect(existsSync(w.path('.rollgate'))).toBe(false);
  });

  it('control and status refuse it too; the journal is unchanged', () => {
    const w = new World();
    w.state(CC, 'custom-command', T0 - MIN).events(CC, ['command_runs_recorded']);
    expect(w.evaluate('specs/custom-command.yaml', T0).code).toBe(0);
    const journal = w.path('.rollgate/custom-command/decisions.jsonl');
    const before = readFileSync(journal, 'utf8');
    for (const value of ['8640000000000001', '2026-02-30T00:10:00Z']) {
      const c = rollgate(['control', SPEC, 'pause', '--reason', 'x', '--root', w.root, '--now', value]);
      expect(c.code).toBe(64);
      expect(c.stderr).toContain(RANGE);
      expect(rollgate(['status', SPEC, '--root', w.root, '--now', value]).code).toBe(64);
    }
    expect(readFileSync(journal, 'utf8')).toBe(before);
    expect(existsSync(w.path('.rollgate/custom-command/actions-audit.jsonl'))).toBe(false);
  });
});

/** A store as an older rollgate left it after `--now 8640000000000001`: a valid chain, an instant out of range. */
function oldStore(stateToo: boolean): World {
  const w = new World();
  w.state(CC, 'custom-command', T0 - MIN).events(CC, ['command_runs_recorded']);
  expect(w.evaluate('specs/custom-command.yaml', T0).code).toBe(0);
  const journal = w.path('.rollgate/custom-command/decisions.jsonl');
  const { hash: _h, prev_hash: _p, ...body } = JSON.parse(readFileSync(journal, 'utf8').trim()) as Record<string, unknown>;
  const bad = { ...body, evaluated_unix_ms: 8640000000000001 };
  writeFileSync(journal, JSON.stringify({ ...bad, prev_hash: GENESIS, hash: recordHash(GENESIS, bad) }) + '\n');
  if (stateToo) {
    const statePath = w.path('.rollgate/custom-command/rollout.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { started_unix_ms: number; last_check_unix_ms: number; phase: { entered_unix_ms: number } };
    state.started_unix_ms = state.last_check_unix_ms = state.phase.entered_unix_ms = 8640000000000001;
    writeFileSync(statePath, JSON.stringify(state, null, 2));
  }
  return w;
}

describe('an instant out of range already in the store (written by an older version)', () => {
  it.each([
    ['the journal and rollout.json', true],
    ['the journal only', false],
  ])('in %s: status, journal and journal --verify exit 65 with a sentence, no RangeError', (_where, stateToo) => {
    const w = oldStore(stateToo);
    for (const args of [['status'], ['status', '--format', 'json'], ['journal'], ['journal', '--format', 'json'], ['journal', '--verify'], ['journal', '--verify', '--format', 'json']]) {
      const r = rollgate([args[0]!, SPEC, '--root', w.root, ...args.slice(1)]);
      expect(r.code, args.join(' ')).toBe(65);
      expect(r.stderr, args.join(' ')).toMatch(/corrupt.*8640000000000001 is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z/);
      expect(r.stderr).not.toMatch(/RangeError|internal error|\n\s+at /);
    }
    const text = rollgate(['journal', SPEC, '--root', w.root]);
    expect(text.stdout).toContain('#1     (not an instant: 8640000000000001)');
  });
});
