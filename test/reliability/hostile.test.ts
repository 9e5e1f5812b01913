/** Hostile and absurd input: each gets a clear result and a documented exit code, never a wrong pass. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { MINIMAL } from '../helpers/paths.js';
import { T0, World } from '../helpers/world.js';

const STATE_DIR = '.tau/custom-command';
const healthy = (w: World, atMs: number) => w.state(STATE_DIR, 'custom-command', atMs - 5000).events(STATE_DIR, ['command_runs_recorded']);

describe('hostile specs', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('a var path through %s is refused by validate (65), never resolved', (key) => {
    const text = MINIMAL.replace(/rule: .*/, `rule: { "==": [ { var: "surface.${key}.polluted" }, 1 ] }`);
    expect(text).not.toBe(MINIMAL);
    const r = loadSpecText(text, 'hostile.yaml');
    expect(r.spec).toBeNull();
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an alias bomb and a 10,000-deep nesting are refused with a sentence, not a hang or a crash', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const b = loadSpecText(bomb, 'bomb.yaml');
    expect(b.spec).toBeNull();
    expect(b.diagnostics[0]!.message).toMatch(/alias/);
    const deep = loadSpecText('a: ' + '['.repeat(10_000) + ']'.repeat(10_000), 'deep.yaml');
    expect(deep.spec).toBeNull();
    expect(deep.diagnostics[0]!.message).toMatch(/deep|nest/i);
  });
});

describe('hostile state directories', () => {
  it('a 10 MB log line, NUL bytes and invalid UTF-8: counted as lines, no crash, a normal decision', () => {
    const w = new World();
    healthy(w, T0);
    const log = w.path(STATE_DIR, 'runtime-events.jsonl');
    writeFileSync(log, JSON.stringify({ reason_codes: ['healthy_cycle'], health_reason: 'x'.repeat(10 * 1024 * 1024) }) + '\n', { flag: 'a' });
    writeFileSync(log, Buffer.concat([Buffer.from('{"reason_codes":["a\u0000b"]}\n'), Buffer.from([0xff, 0xfe, 0x7b, 0x0a]), Buffer.from('\u0000\u0000\n')]), { flag: 'a' });
    const r = w.evaluate('specs/custom-command.yaml', T0);
    expect(r.code).toBe(0);
    expect(r.record.decision).toBe('wait');
    // The 10 MB health_reason is not carried into the record (nor the saved cursor, nor the journal).
    expect(r.record.surfaces['custom-command']!.health_reason).toMatch(/^x{1000}… \(10485760 characters, cut\)$/);
  });

  it('a 50 MB state.json is read within its limit; past the limit it is unavailable and holds', () => {
    const w = new World();
    healthy(w, T0);
    const big = { schema_version: 1, processed_case_keys: Array.from({ length: 2_000_000 }, (_, i) => `case-${i}-${'k'.repeat(12)}`), commands: [], health: { updated_unix_ms: T0 - 5000, queue_depth: 0, failure_streak: 0, last_cycle_failed: 0 } };
    writeFileSync(w.path(STATE_DIR, 'state.json'), JSON.stringify(big));
    expect(w.evaluate('specs/custom-command.yaml', T0).record.decision).toBe('wait');
    writeFileSync(w.path(STATE_DIR, 'state.json'), Buffer.alloc(65 * 1024 * 1024, 0x20));
    const over = w.evaluate('specs/custom-command.yaml', T0 + 60_000);
    expect(over.code).toBe(1);
    expect(over.record.surfaces['custom-command']!.health_reason).toMatch(/over the 67108864-byte limit/);
  });

  it('a symlink out of the state directory is read, and the record says so', () => {
    const w = new World();
    healthy(w, T0);
    const elsewhere = w.path('elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'state.json'), JSON.stringify({ schema_version: 1, processed_case_keys: [], commands: [], health: { updated_unix_ms: T0 - 5000, queue_depth: 0, failure_streak: 0, last_cycle_failed: 0 } }));
    w.remove(`${STATE_DIR}/state.json`);
    symlinkSync(join(elsewhere, 'state.json'), w.path(STATE_DIR, 'state.json'));
    const r = w.evaluate('specs/custom-command.yaml', T0);
    expect(r.record.decision).toBe('wait');
    expect(r.record.notes.join('\n')).toMatch(/state\.json is a symlink to .*elsewhere\/state\.json, outside its state directory; it was read/);
  });
});
