/**
 * The incremental event cursor on real files: appends, half-written lines, rotation, truncation;
 * lines that may have been lost or may hide reason codes; copytruncate; what is not a file.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { advanceCursor, type CursorAdvance } from '../../src/observe/event-cursor.js';
import { type EventCursor } from '../../src/engine/observations.js';
import { windowBetween, windowIsUnknown } from '../../src/engine/log-tally.js';
import { fixture, ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
const log = () => join(dir, 'runtime-events.jsonl');
const line = (...codes: string[]) => JSON.stringify({ timestamp_unix_ms: 1, health_reason: 'ok', reason_codes: codes }) + '\n';
const minimal = (code: string) => JSON.stringify({ reason_codes: [code], health_reason: 'seeded' }) + '\n';
const codes = (c: EventCursor) => ({ ...c.tally.codes });
/** The window between two reads: what a rule would see for the later check. */
const windowOf = (later: CursorAdvance, earlier: CursorAdvance) => windowBetween(later.cursor.tally, earlier.cursor.tally);
/** The producer's rotation keeping 5 files in all: .4 dropped, .k -> .k+1, live -> .1. */
function rotate() {
  rmSync(log() + '.4', { force: true });
  for (let k = 3; k >= 1; k--) if (existsSync(`${log()}.${k}`)) renameSync(`${log()}.${k}`, `${log()}.${k + 1}`);
  renameSync(log(), log() + '.1');
}

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
    expect(second.cursor.tally).toMatchObject({ lost: 0, suspect: 0, doubt: null });
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
    expect(second.cursor.tally.lost).toBe(0);
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

describe('lines that may have been lost make the window unknown', () => {
  /** A failing cycle written after the first read, then rotated away. */
  function failureRotatedAway() {
    writeFileSync(log(), line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('case_processing_failed'));
    renameSync(log(), log() + '.1');
    return first;
  }

  it('the rotated file truncated before it was finished', () => {
    const first = failureRotatedAway();
    truncateSync(log() + '.1', 0);
    writeFileSync(log(), line('healthy_cycle'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.cursor.tally.codes.case_processing_failed).toBeUndefined();
    expect(second.read).toMatchObject({ cycles: 1, lost: 1 });
    expect(second.cursor.tally.doubt).toBe(`runtime-events.jsonl.1 (the file last read, rotated) was truncated (0 bytes, the last read ended at ${line('healthy_cycle').length}): lines after byte ${line('healthy_cycle').length} may be lost`);
    expect(second.notes.join()).toMatch(/were not seen/);
    const w = windowOf(second, first);
    expect(w).toMatchObject({ lost: 1, doubt: second.cursor.tally.doubt });
    expect(windowIsUnknown(w)).toBe(true);
    // Counted once: the next read, with nothing new lost, is a known window again.
    const third = advanceCursor(dir, second.cursor);
    expect(windowIsUnknown(windowOf(third, second))).toBe(false);
  });

  it('the rotated file deleted before it was finished', () => {
    const first = failureRotatedAway();
    rmSync(log() + '.1');
    writeFileSync(log(), line('healthy_cycle'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 1, lost: 1 });
    expect(second.cursor.tally.doubt).toMatch(/^runtime-events.jsonl was replaced and the file last read is gone \(deleted, or rotated past the files kept\): lines after byte \d+ of it may be lost$/);
    expect(windowIsUnknown(windowOf(second, first))).toBe(true);
  });

  it('more rotations than are kept: the file last read is no longer among the rotated files', () => {
    writeFileSync(log(), line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('case_processing_failed'));
    for (let i = 0; i < 5; i++) {
      rotate();
      writeFileSync(log(), line('healthy_cycle'));
    }
    expect(existsSync(log() + '.4')).toBe(true);
    const second = advanceCursor(dir, first.cursor);
    expect(second.cursor.tally.codes.case_processing_failed).toBeUndefined();
    expect(second.read.lost).toBe(1);
    expect(second.cursor.tally.doubt).toMatch(/file last read is gone/);
  });

  it('a rotated file missing between the file last read and the live one', () => {
    writeFileSync(log(), line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    rotate();
    writeFileSync(log(), line('case_processing_failed'));
    rotate();
    writeFileSync(log(), line('healthy_cycle'));
    rmSync(log() + '.1'); // the one with the failure
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 1, lost: 1 });
    expect(second.cursor.tally.doubt).toMatch(/^runtime-events.jsonl.1 is missing between the rotated files/);
  });

  it('the live log deleted: lost once, then read from the start when it comes back', () => {
    writeFileSync(log(), line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('case_processing_failed'));
    rmSync(log());
    const second = advanceCursor(dir, first.cursor);
    expect(second.read.lost).toBe(1);
    expect(second.cursor.tally.doubt).toMatch(/^the event log is gone/);
    expect(second.notes.join()).toMatch(/the event log is gone/);
    const third = advanceCursor(dir, second.cursor);
    expect(third.read.lost).toBe(0);
    writeFileSync(log(), line('healthy_cycle'));
    const fourth = advanceCursor(dir, third.cursor);
    expect(fourth.read).toMatchObject({ cycles: 1, lost: 0 });
  });

  it('the live log deleted while rotated files remain: lost once, no rotated file counted again', () => {
    writeFileSync(log(), line('a'));
    rotate();
    writeFileSync(log(), line('b'));
    const first = advanceCursor(dir, null);
    rmSync(log());
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 0, lost: 1 });
    writeFileSync(log(), line('c'));
    const third = advanceCursor(dir, second.cursor);
    expect(third.read).toMatchObject({ cycles: 1, lost: 0 });
    expect(codes(third.cursor)).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('the live log truncated', () => {
    writeFileSync(log(), line('healthy_cycle') + line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('case_processing_failed'));
    truncateSync(log(), 0);
    appendFileSync(log(), line('healthy_cycle'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 1, lost: 1 });
    expect(second.cursor.tally.doubt).toMatch(/^runtime-events.jsonl was truncated \(\d+ bytes, the last read ended at \d+\): lines after byte \d+ of its old content may be lost$/);
    expect(windowIsUnknown(windowOf(second, first))).toBe(true);
  });

  it('the live log rewritten in place', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    writeFileSync(log(), line('zzzzz') + line('y'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read.lost).toBe(1);
    expect(second.cursor.tally.doubt).toMatch(/^runtime-events.jsonl was rewritten \(its first bytes changed\)/);
  });

  it('appends and a normal rotation lose nothing', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('b'));
    const second = advanceCursor(dir, first.cursor);
    rotate();
    writeFileSync(log(), line('c'));
    const third = advanceCursor(dir, second.cursor);
    expect(third.cursor.tally).toMatchObject({ lost: 0, suspect: 0, doubt: null });
  });
});

describe('invalid lines that may hide reason codes (suspect)', () => {
  it.each([
    ['codes as a string', '{"reason_codes":"case_processing_failed"}\n'],
    ['codes with a number', '{"reason_codes":["case_processing_failed",1]}\n'],
    ['a hard line followed by a NUL byte', '{"reason_codes":["case_processing_failed"]}\u0000\n'],
    ['a duplicate key on a line with codes', '{"health_reason":"ok","reason_codes":["case_processing_failed"],"health_reason":"ok"}\n'],
  ])('%s: invalid and suspect, the window unknown', (_what, bad) => {
    writeFileSync(log(), line('healthy_cycle'));
    const first = advanceCursor(dir, null);
    appendFileSync(log(), line('healthy_cycle') + bad + line('healthy_cycle'));
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 2, invalid: 1, suspect: 1, lost: 0, codes: { healthy_cycle: 2 } });
    const at = 2 * line('healthy_cycle').length;
    expect(second.cursor.tally.doubt).toMatch(new RegExp(`^runtime-events\\.jsonl byte ${at}: an invalid line .*that mentions reason_codes: "`));
    expect(second.notes.join()).toMatch(/1 invalid line that may carry reason codes: runtime-events.jsonl byte/);
    expect(windowIsUnknown(windowOf(second, first))).toBe(true);
  });

  it('a suspect line in a rotated file is named by that file', () => {
    writeFileSync(log(), line('a') + '{"reason_codes":"case_processing_failed"}\n');
    rotate();
    writeFileSync(log(), line('b'));
    expect(advanceCursor(dir, null).cursor.tally.doubt).toMatch(/^runtime-events.jsonl.1 byte \d+: an invalid line that mentions reason_codes/);
  });

  it('a line over the length limit is suspect', { timeout: 60_000 }, () => {
    writeFileSync(log(), line('a'));
    appendFileSync(log(), Buffer.alloc(64 * 1024 * 1024 + 200_000, 0x20));
    appendFileSync(log(), '\n' + line('b'));
    const r = advanceCursor(dir, null);
    expect(r.cursor.tally).toMatchObject({ cycles: 2, invalid: 1, suspect: 1 });
    expect(r.cursor.tally.doubt).toMatch(/^runtime-events.jsonl byte \d+: a line over the 67108864-byte limit, not read whole: it may carry reason codes$/);
  });

  it('a duplicate health_reason without codes is a plain invalid line', () => {
    writeFileSync(log(), line('a') + '{"health_reason":"ok","health_reason":"bad"}\n' + line('b'));
    expect(advanceCursor(dir, null).cursor.tally).toMatchObject({ cycles: 2, invalid: 1, suspect: 0, doubt: null });
  });

  it.each(['ops-dashboard-healthy-invalid-line', 'ops-custom-command-healthy-invalid-line', 'ops-voice-status', 'gateway-dashboard-queue-depth-1'])(
    'the sample %s has harmless invalid lines only',
    (sample) => {
      const r = advanceCursor(fixture(`tau-samples/${sample}`), null);
      expect(r.cursor.tally.invalid).toBeGreaterThan(0);
      expect(r.cursor.tally).toMatchObject({ suspect: 0, lost: 0, doubt: null });
    },
  );
});

describe('copytruncate', () => {
  /** Lines whose first 64 bytes are all the same, of lengths that differ with the codes. */
  const same = (...c: string[]) => JSON.stringify({ timestamp_unix_ms: 1771200000000, health_state: 'healthy', health_reason: 'ok', reason_codes: c }) + '\n';

  it('the live file copied to .1 then truncated, with the same first 64 bytes: .1 finished from the offset, the new lines counted exactly', () => {
    writeFileSync(log(), same('healthy_cycle') + same('healthy_cycle'));
    const first = advanceCursor(dir, null);
    const offset = first.cursor.position!.offset;
    appendFileSync(log(), same('retry_attempted')); // written before the copy, not yet read
    copyFileSync(log(), log() + '.1');
    truncateSync(log(), 0);
    const fresh = same('case_processing_failed', 'retry_attempted') + same('queue_backpressure_applied') + same('x');
    appendFileSync(log(), fresh);
    expect(fresh.slice(0, 64)).toBe(same('healthy_cycle').slice(0, 64));
    expect(fresh.length).toBeGreaterThan(offset);
    expect(fresh[offset - 1]).not.toBe('\n'); // the old offset is inside a new line
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 4, invalid: 0, lost: 0, suspect: 0 });
    expect({ ...second.read.codes }).toEqual({ retry_attempted: 2, case_processing_failed: 1, queue_backpressure_applied: 1, x: 1 });
    expect(second.notes.join()).toMatch(/finished .*runtime-events.jsonl.1 \(found by its content/);
    expect(second.cursor.position!.offset).toBe(fresh.length);
  });

  it('truncated and rewritten with the same first 64 bytes, no copy kept: counted from the start, lost', () => {
    writeFileSync(log(), same('healthy_cycle') + same('healthy_cycle'));
    const first = advanceCursor(dir, null);
    truncateSync(log(), 0);
    const fresh = same('case_processing_failed', 'retry_attempted') + same('queue_backpressure_applied') + same('x');
    appendFileSync(log(), fresh);
    const second = advanceCursor(dir, first.cursor);
    expect(second.read).toMatchObject({ cycles: 3, invalid: 0, lost: 1 });
    expect({ ...second.read.codes }).toEqual({ case_processing_failed: 1, retry_attempted: 1, queue_backpressure_applied: 1, x: 1 });
    expect(second.cursor.tally.doubt).toMatch(/^runtime-events.jsonl was rewritten \(the bytes before the last read position changed\)/);
  });

  it('a cursor saved without a tail: resumes after appends; a rewrite landing inside a line is not resumed', () => {
    writeFileSync(log(), same('healthy_cycle') + same('healthy_cycle'));
    const first = advanceCursor(dir, null);
    const old = JSON.parse(JSON.stringify(first.cursor)) as EventCursor;
    delete old.position!.tail;
    appendFileSync(log(), same('a'));
    expect(advanceCursor(dir, old).read).toMatchObject({ cycles: 1, lost: 0, invalid: 0 });
    writeFileSync(log(), same('case_processing_failed', 'retry_attempted') + same('queue_backpressure_applied'));
    const rewritten = advanceCursor(dir, old);
    expect(rewritten.read).toMatchObject({ cycles: 2, lost: 1, invalid: 0 });
  });

  it('the cursor saves the bytes before its offset', () => {
    writeFileSync(log(), line('a'));
    const r = advanceCursor(dir, null);
    expect(r.cursor.position!.tail).toBe(Buffer.from(line('a').slice(-64)).toString('hex'));
  });
});

/** advanceCursor in a child process with a time limit: a blocking open would show as a kill, not a hung test run. */
function advanceInChild(d: string, cursor: EventCursor | null): CursorAdvance {
  const script = `import { advanceCursor } from ${JSON.stringify(ROOT + 'dist/observe/event-cursor.js')};
process.stdout.write(JSON.stringify(advanceCursor(process.argv[1], JSON.parse(process.argv[2]))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, d, JSON.stringify(cursor)], { encoding: 'utf8', timeout: 20_000 });
  expect(r.signal, 'the read blocked').toBeNull();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as CursorAdvance;
}

const mkfifo = (path: string) => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
};

describe('what is not a regular file never blocks nor throws: an unreadable log', () => {
  it('a FIFO as runtime-events.jsonl', () => {
    mkfifo(log());
    const r = advanceInChild(dir, null);
    expect(r.read).toMatchObject({ lost: 1, cycles: 0 });
    expect(r.cursor.tally.doubt).toBe('runtime-events.jsonl is a FIFO (named pipe), not a regular file: its lines cannot be read and may be lost');
    expect(r.notes).toContain(r.cursor.tally.doubt);
  });

  it('a FIFO in place of the live log after a read: unknown at every read while it stays', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    rmSync(log());
    mkfifo(log());
    const second = advanceInChild(dir, first.cursor);
    expect(second.read.lost).toBe(1);
    const third = advanceInChild(dir, second.cursor);
    expect(third.read.lost).toBe(1);
    expect(third.cursor.tally.lost).toBe(2);
  });

  it('a FIFO as a rotated file', () => {
    writeFileSync(log(), line('a'));
    mkfifo(log() + '.1');
    const r = advanceInChild(dir, null);
    expect(r.read).toMatchObject({ cycles: 1, lost: 1 });
    expect(r.cursor.tally.doubt).toBe('runtime-events.jsonl.1 is a FIFO (named pipe), not a regular file: its lines cannot be read and may be lost');
  });

  it('a FIFO where the rotated file being finished should be', () => {
    writeFileSync(log(), line('a'));
    const first = advanceCursor(dir, null);
    rmSync(log());
    mkfifo(log() + '.1');
    writeFileSync(log(), line('b'));
    const r = advanceInChild(dir, first.cursor);
    expect(r.read).toMatchObject({ cycles: 1, lost: 1 });
  });

  it('a directory as runtime-events.jsonl or as a rotated file', () => {
    mkdirSync(log());
    mkdirSync(log() + '.1');
    const r = advanceCursor(dir, null);
    expect(r.read.lost).toBe(2);
    expect(r.notes).toEqual([
      'runtime-events.jsonl.1 is a directory, not a regular file: its lines cannot be read and may be lost',
      'runtime-events.jsonl is a directory, not a regular file: its lines cannot be read and may be lost',
    ]);
  });

  it('a symlink loop as the log, or as the state directory', () => {
    symlinkSync(log(), log());
    const r = advanceCursor(dir, null);
    expect(r.read.lost).toBe(1);
    expect(r.cursor.tally.doubt).toMatch(/^runtime-events.jsonl cannot be read: its path is a symlink loop \(ELOOP\)/);
    const loop = join(dir, 'loop');
    symlinkSync(loop, loop);
    const l = advanceCursor(loop, null);
    expect(l.read.lost).toBeGreaterThanOrEqual(1);
    expect(l.notes.join()).toMatch(/ELOOP/);
  });

  it('rollgate inspect on a FIFO log, a symlink loop and a dangling link as rotated files returns promptly', () => {
    const stateDir = join(dir, 'surface');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'state.json'), readFileSync(fixture('tau-samples/runtime-dashboard-healthy/state.json')));
    mkfifo(join(stateDir, 'runtime-events.jsonl'));
    symlinkSync(join(stateDir, 'runtime-events.jsonl.1'), join(stateDir, 'runtime-events.jsonl.1'));
    symlinkSync(join(stateDir, 'nowhere'), join(stateDir, 'runtime-events.jsonl.2'));
    const r = spawnSync(process.execPath, [ROOT + 'bin/rollgate.js', 'inspect', stateDir, '--format', 'json'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'inspect blocked').toBeNull();
    expect(r.status).toBe(0);
  });
});
