/** The incremental event cursor on real files: appends, half-written lines, rotation, truncation. */
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { advanceCursor, type EventCursor } from '../../src/observe/event-cursor.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
const log = () => join(dir, 'runtime-events.jsonl');
const line = (...codes: string[]) => JSON.stringify({ timestamp_unix_ms: 1, health_reason: 'ok', reason_codes: codes }) + '\n';
const minimal = (code: string) => JSON.stringify({ reason_codes: [code], health_reason: 'seeded' }) + '\n';
const codes = (c: EventCursor) => ({ ...c.tally.codes });

beforeEach(() => {
  dir = tempDir('cursor');
});

describe('reading an event log incrementally', () => {
  it('reads only what was appended since the previous read', () => {
    writeFileSync(log(), line('a') + line('b'));
    const first = advanceCursor(dir, null);
    expect(first.cursor.tally.cycles).toBe(2);
    appendFileSync(log(), line('a') + minimal('c'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read.cycles).toBe(2);
    expect(second.bytesRead).toBe(line('a').length + minimal('c').length);
    expect(codes(second.cursor)).toEqual({ a: 2, b: 1, c: 1 });
    expect(second.cursor.tally.last).toEqual({ codes: ['c'], reason: 'seeded' });
    const third = advanceCursor(dir, second.cursor);
    expect(third.read.cycles).toBe(0);
    expect(third.bytesRead).toBe(0);
  });

  it('leaves a half-written last line for the next read and counts it once when complete', () => {
    const full = line('late');
    writeFileSync(log(), line('a') + full.slice(0, 20));
    const first = advanceCursor(dir, null);
    expect(first.cursor.tally.cycles).toBe(1);
    expect(first.cursor.tally.invalid).toBe(0);
    expect(first.pendingBytes).toBe(20);
    appendFileSync(log(), full.slice(20));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 1, invalid: 0 });
    expect(codes(second.cursor)).toEqual({ a: 1, late: 1 });
  });

  it('a complete object still missing its newline is counted once, and the newline later adds nothing', () => {
    writeFileSync(log(), line('a').trimEnd());
    const first = advanceCursor(dir, null);
    expect(first.cursor.tally.cycles).toBe(1);
    appendFileSync(log(), '\n' + line('b'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read.cycles).toBe(1);
    expect(codes(second.cursor)).toEqual({ a: 1, b: 1 });
  });

  it('counts invalid lines, skips blank ones, and goes on', () => {
    writeFileSync(log(), line('a') + 'invalid-json-line\n\n   \n' + minimal('b') + '{"reason_codes":"x"}\n');
    const r = advanceCursor(dir, null);
    expect(r.cursor.tally).toMatchObject({ cycles: 2, invalid: 2 });
  });

  it('a missing log is reported as absent, and read from its start once it appears', () => {
    const none = advanceCursor(dir, null);
    expect(none.logPresent).toBe(false);
    expect(none.cursor.tally.cycles).toBe(0);
    writeFileSync(log(), line('a'));
    const later = advanceCursor(dir, none.cursor);
    expect(later.logPresent).toBe(true);
    expect(later.read.cycles).toBe(1);
  });

  it('a line longer than the read buffer is counted like any other', () => {
    const long = JSON.stringify({ reason_codes: ['long'], health_reason: 'x'.repeat(300_000) }) + '\n';
    writeFileSync(log(), line('a') + long + line('b'));
    expect(codes(advanceCursor(dir, null).cursor)).toEqual({ a: 1, long: 1, b: 1 });
  });
});

describe('rotation', () => {
  it('finishes the rotated file under its new name, then reads the new live file: no line lost or counted twice', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('b')); // written before rotation, not yet read
    renameSync(log(), log() + '.1');
    writeFileSync(log(), line('c'));
    const second = advanceCursor(dir, first.cursor);
    expect(codes(second.cursor)).toEqual({ a: 1, b: 1, c: 1 });
    expect(second.read.cycles).toBe(2);
    expect(second.notes.join()).toMatch(/rotated since the last read: finished .*runtime-events.jsonl.1/);
  });

  it('follows two rotations between reads (.1 -> .2) and reads the file in between', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('b'));
    renameSync(log(), log() + '.1');
    writeFileSync(log(), line('c'));
    renameSync(log() + '.1', log() + '.2');
    renameSync(log(), log() + '.1');
    writeFileSync(log(), line('d'));
    const second = advanceCursor(dir, first.cursor);
    expect(codes(second.cursor)).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    expect(second.notes.join()).toMatch(/read 1 newer rotated file/);
  });

  it('a first read counts rotated files, oldest first, then the live file', () => {
    writeFileSync(log() + '.2', line('old'));
    writeFileSync(log() + '.1', line('older-than-live'));
    writeFileSync(log(), line('live'));
    const r = advanceCursor(dir, null);
    expect(codes(r.cursor)).toEqual({ old: 1, 'older-than-live': 1, live: 1 });
    expect(r.cursor.tally.last?.codes).toEqual(['live']);
  });
});

describe('truncation and replacement', () => {
  it('a truncated log is counted again from its start, and the read says so', () => {
    writeFileSync(log(), line('a') + line('b') + line('c'));
    const first = advanceCursor(dir, null);
    truncateSync(log(), 0);
    appendFileSync(log(), line('d'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read.cycles).toBe(1);
    expect(codes(second.cursor)).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    expect(second.notes.join()).toMatch(/was truncated .* counting it again from the start/);
  });

  it('a log rewritten in place with different content (same inode, now longer) is noticed', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    writeFileSync(log(), line('zzzzz') + line('y') + line('x'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.notes.join()).toMatch(/was rewritten/);
    expect(second.read.cycles).toBe(3);
  });

  it('a log replaced by a new file while the old one vanished is read from its start (even when the inode is reused)', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    rmSync(log());
    writeFileSync(log() + '.tmp', line('b'));
    renameSync(log() + '.tmp', log());
    const second = advanceCursor(dir, first.cursor);
    // The filesystem may hand the new file the old inode; the fingerprint of its first bytes tells.
    expect(second.notes.join()).toMatch(/replaced by another file|was rewritten/);
    expect(codes(second.cursor)).toEqual({ a: 1, b: 1 });
  });

  it('a cursor survives a JSON round trip (it is stored between checks)', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('b'));
    const stored = JSON.parse(JSON.stringify(first.cursor)) as EventCursor;
    expect(codes(advanceCursor(dir, stored).cursor)).toEqual({ a: 1, b: 1 });
  });
});
