/**
 * The readers of files someone else writes never block and never throw: a FIFO, a directory, a
 * symlink loop or a denied file is a failed read with a sentence (the surface or input holds).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/observe/inputs.js';
import { readSurfaceFiles } from '../../src/observe/read-surface.js';
import { holdDescriptors, readUntrusted, scratchChanged } from '../../src/observe/untrusted-file.js';
import { advanceCursor } from '../../src/observe/event-cursor.js';
import type { InputSpec } from '../../src/spec/types.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
const isRoot = process.getuid?.() === 0;
const health = '"health":{"updated_unix_ms":1000,"queue_depth":0,"failure_streak":0,"last_cycle_failed":0}';

describe('inputs', () => {
  const input = (file: string): InputSpec => ({ name: 'report', file, format: 'json', required: true } as InputSpec);

  it('JSON with a repeated key is invalid; YAML too', () => {
    const dir = tempDir('inputs-dup');
    writeFileSync(join(dir, 'r.json'), '{"passed":false,"passed":true}');
    expect(readInput(input('r.json'), dir)).toMatchObject({ status: 'invalid', error: 'cannot be parsed as JSON: duplicate key "passed" at line 1 column 17' });
    writeFileSync(join(dir, 'r.yaml'), 'passed: false\npassed: true\n');
    expect(readInput(input('r.yaml'), dir)).toMatchObject({ status: 'invalid', error: expect.stringMatching(/^cannot be parsed as YAML: Map keys must be unique/) });
    writeFileSync(join(dir, 'ok.json'), '{"passed":true,"nested":{"passed":false}}');
    expect(readInput(input('ok.json'), dir)).toMatchObject({ status: 'loaded', value: { passed: true } });
  });

  it('a FIFO or a directory as the input is invalid, without blocking', () => {
    const dir = tempDir('inputs-fifo');
    mkfifo(join(dir, 'r.json'));
    expect(readInput(input('r.json'), dir)).toEqual({ status: 'invalid', file: join(dir, 'r.json'), error: 'is a FIFO (named pipe), not a regular file' });
    mkdirSync(join(dir, 'd.json'));
    expect(readInput(input('d.json'), dir)).toMatchObject({ status: 'invalid', error: 'is a directory, not a regular file' });
    expect(readInput(input('absent.json'), dir)).toMatchObject({ status: 'missing' });
  });
});

describe('readSurfaceFiles never throws', () => {
  it('a symlink loop as the state directory: unavailable with a sentence', () => {
    const dir = tempDir('surface-loop');
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    const files = readSurfaceFiles(join(dir, 'a'), null);
    expect(files.state).toEqual({ present: false, reason: 'state.json cannot be read: its path is a symlink loop (ELOOP)' });
    expect(files.control.mode).toBe('unknown');
    expect(files.events.logPresent).toBe(false);
  });

  it('a directory as state.json, a FIFO as state.json, a file as the state directory', () => {
    const dir = tempDir('surface-kinds');
    mkdirSync(join(dir, 'a', 'state.json'), { recursive: true });
    expect(readSurfaceFiles(join(dir, 'a'), null).state).toEqual({ present: false, reason: 'state.json is a directory, not a regular file' });
    mkdirSync(join(dir, 'b'));
    mkfifo(join(dir, 'b', 'state.json'));
    expect(readSurfaceFiles(join(dir, 'b'), null).state).toEqual({ present: false, reason: 'state.json is a FIFO (named pipe), not a regular file' });
    writeFileSync(join(dir, 'c'), 'not a directory');
    expect(readSurfaceFiles(join(dir, 'c'), null).state).toMatchObject({ present: false, reason: expect.stringMatching(/^state\.json cannot exist/) });
  });

  it('a state.json it may not read: unavailable, permission denied', () => {
    const dir = tempDir('surface-denied');
    writeFileSync(join(dir, 'state.json'), `{${health}}`);
    chmodSync(join(dir, 'state.json'), 0o000);
    if (!isRoot) {
      expect(readSurfaceFiles(dir, null).state).toEqual({ present: false, reason: 'state.json cannot be read: permission denied (EACCES)' });
      return;
    }
    // Root reads any file: read it as an unprivileged user instead, through the real CLI.
    chmodSync(dir, 0o755);
    const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, join(ROOT, 'bin/rollgate.js'), 'inspect', dir, '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(out)).toMatchObject({ health_state: 'unknown', rollout_gate: 'hold', health_reason: expect.stringContaining('state.json cannot be read: permission denied (EACCES)') });
  });
});

describe('a first check answers from the directory listing as later checks answer from stats', () => {
  // A first check lists the state directory (rotated logs) and takes from that listing which
  // files exist and which are symlinks; a later check (cursor in place) stats them instead.
  const both = (dir: string) => {
    const first = readSurfaceFiles(dir, null);
    const later = readSurfaceFiles(dir, first.events.cursor);
    return { first, later };
  };
  const events = '{"timestamp_unix_ms":1000,"health_state":"healthy","reason_codes":["a"]}\n';

  it('no control-state.json: running, with and without the listing', () => {
    const dir = tempDir('listing-no-control');
    writeFileSync(join(dir, 'state.json'), `{${health}}`);
    writeFileSync(join(dir, 'runtime-events.jsonl'), events);
    const { first, later } = both(dir);
    expect(first.control).toEqual({ mode: 'running', present: false, updated_unix_ms: null, last_action: null, note: null });
    expect(later.control).toEqual(first.control);
  });

  it('a control-state.json that pauses, one that is a FIFO, one that is a directory: read on the first check too', () => {
    const paused = tempDir('listing-paused');
    writeFileSync(join(paused, 'control-state.json'), '{"mode":"paused","updated_unix_ms":5}');
    expect(both(paused).first.control).toMatchObject({ mode: 'paused', present: true });
    const fifo = tempDir('listing-fifo');
    mkfifo(join(fifo, 'control-state.json'));
    const f = both(fifo);
    expect(f.first.control).toMatchObject({ mode: 'unknown', note: expect.stringContaining('FIFO') });
    expect(f.later.control).toEqual(f.first.control);
    const asDir = tempDir('listing-dir');
    mkdirSync(join(asDir, 'control-state.json'));
    expect(both(asDir).first.control).toMatchObject({ mode: 'unknown', note: expect.stringContaining('a directory') });
  });

  it('each of the three files as a symlink out of the directory: said on the first check and on a later one', () => {
    for (const name of ['state.json', 'control-state.json', 'runtime-events.jsonl']) {
      const dir = tempDir('listing-links');
      mkdirSync(join(dir, 'elsewhere'));
      mkdirSync(join(dir, 'surface'));
      writeFileSync(join(dir, 'surface', 'state.json'), `{${health}}`);
      writeFileSync(join(dir, 'surface', 'runtime-events.jsonl'), events);
      rmSync(join(dir, 'surface', name), { force: true });
      writeFileSync(join(dir, 'elsewhere', name), name === 'control-state.json' ? '{"mode":"paused"}' : name === 'state.json' ? `{${health}}` : events);
      symlinkSync(join(dir, 'elsewhere', name), join(dir, 'surface', name));
      const { first, later } = both(join(dir, 'surface'));
      const said = new RegExp(`${name.replace('.', '\\.')} is a symlink to .*elsewhere/${name.replace('.', '\\.')}, outside its state directory`);
      expect(first.events.notes.join('\n'), name).toMatch(said);
      expect(later.events.notes.join('\n'), name).toMatch(said);
      if (name === 'control-state.json') expect(first.control.mode).toBe('paused');
      if (name === 'runtime-events.jsonl') expect(first.events.logPresent).toBe(true);
    }
  });

  it('a symlink that stays inside the directory, and a dangling one: nothing said, the dangling file missing', () => {
    const dir = tempDir('listing-inside');
    writeFileSync(join(dir, 'real-state.json'), `{${health}}`);
    symlinkSync(join(dir, 'real-state.json'), join(dir, 'state.json'));
    symlinkSync(join(dir, 'gone.json'), join(dir, 'control-state.json'));
    const { first, later } = both(dir);
    expect(first.events.notes).toEqual([]);
    expect(first.state.present).toBe(true);
    expect(first.control).toMatchObject({ mode: 'running', present: false });
    expect(later.control).toEqual(first.control);
  });
});

describe('a file missing at its last read', () => {
  // Read again through stats that do not throw; each answer must still be what an open says.
  const read = (path: string) => {
    const r = readUntrusted(path, 1024, 'f.json');
    return r.ok ? { ok: true, text: r.bytes.toString('utf8') } : r;
  };

  it('stays missing, then is found once written, whatever became of its directories', () => {
    const dir = tempDir('missing-again');
    const file = join(dir, 'sub', 'deeper', 'f.json');
    const missing = { ok: false, missing: true, reason: 'f.json does not exist' };
    expect(read(file)).toEqual(missing);
    expect(read(file)).toEqual(missing);
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    expect(read(file)).toEqual(missing);
    writeFileSync(file, '{"a":1}');
    expect(read(file)).toEqual({ ok: true, text: '{"a":1}' });
    rmSync(file);
    expect(read(file)).toEqual(missing);
    expect(read(file)).toEqual(missing);
    // A parent that became a file: ENOTDIR, named as an open names it.
    rmSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub'), 'a file');
    expect(read(file)).toEqual({ ok: false, missing: true, reason: 'f.json cannot exist: a part of its path is not a directory' });
    rmSync(join(dir, 'sub'));
    expect(read(file)).toEqual(missing);
    // A symlink loop in its place: unreadable, not missing.
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    expect(read(file)).toEqual(missing);
    symlinkSync(file, file);
    expect(read(file)).toEqual({ ok: false, missing: false, reason: 'f.json cannot be read: its path is a symlink loop (ELOOP)' });
    rmSync(file);
    expect(read(file)).toEqual(missing);
    mkdirSync(file);
    expect(read(file)).toEqual({ ok: false, missing: false, reason: 'f.json is a directory, not a regular file' });
  });
});

describe('descriptors held between reads (simulate)', () => {
  const text = (path: string) => {
    const r = readUntrusted(path, 1024, 'f.json');
    return r.ok ? r.bytes.toString('utf8') : r.reason;
  };

  it('read what the path names now once the writer says it changed the tree: rewritten, replaced, renamed away, deleted, made a directory', () => {
    const dir = tempDir('held');
    const file = join(dir, 'f.json');
    const release = holdDescriptors();
    try {
      writeFileSync(file, 'one');
      expect(text(file)).toBe('one');
      writeFileSync(file, 'two, longer'); // same file, rewritten in place: no word needed
      expect(text(file)).toBe('two, longer');
      writeFileSync(join(dir, 'new'), 'three');
      renameSync(join(dir, 'new'), file); // another file under the name
      expect(text(file)).toBe('two, longer'); // the writer's word is what is trusted: the held file
      scratchChanged();
      expect(text(file)).toBe('three');
      renameSync(file, join(dir, 'old'));
      scratchChanged();
      expect(text(file)).toBe('f.json does not exist');
      writeFileSync(file, 'four');
      scratchChanged(); // the tree's one writer says it created a file
      expect(text(file)).toBe('four');
      rmSync(file);
      mkdirSync(file);
      scratchChanged();
      expect(text(file)).toBe('f.json is a directory, not a regular file');
    } finally {
      release();
    }
    expect(text(join(dir, 'old'))).toBe('three');
  });

  it('a file found missing stays missing, without a stat, until the writer says it changed the tree; not held, a stat tells at once', () => {
    const dir = tempDir('held-missing');
    const file = join(dir, 'control-state.json');
    const release = holdDescriptors();
    try {
      expect(text(file)).toBe('f.json does not exist');
      writeFileSync(file, 'paused');
      expect(text(file)).toBe('f.json does not exist'); // the writer's word is what is trusted
      scratchChanged();
      expect(text(file)).toBe('paused');
      rmSync(file);
      expect(text(file)).toBe('paused'); // deleted without the writer's word: the held descriptor still reads it
      scratchChanged();
      expect(text(file)).toBe('f.json does not exist');
    } finally {
      release();
    }
    // Released: what was found missing while held is looked at again.
    writeFileSync(file, 'running');
    expect(text(file)).toBe('running');
    rmSync(file);
    expect(text(file)).toBe('f.json does not exist');
    writeFileSync(file, 'again');
    expect(text(file)).toBe('again');
  });

  it('give the event cursor the same counts as fresh opens, across a rotation', () => {
    const dir = tempDir('held-log');
    const log = join(dir, 'runtime-events.jsonl');
    const line = (ms: number) => `${JSON.stringify({ timestamp_unix_ms: ms, health_state: 'healthy', health_reason: 'ok', reason_codes: ['command_runs_recorded'] })}\n`;
    const run = (hold: boolean) => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const release = hold ? holdDescriptors() : () => {};
      try {
        const out = [];
        let cursor = null;
        for (let i = 0; i < 6; i++) {
          appendFileSync(log, line(i));
          if (i === 3) renameSync(log, `${log}.1`);
          scratchChanged(); // the writer's word (held: simulate): the log may have been created or renamed
          const r = advanceCursor(dir, cursor);
          cursor = r.cursor;
          out.push({ cycles: r.cursor.tally.cycles, read: r.read.cycles, notes: r.notes.map((n) => n.replace(dir, '<dir>')) });
        }
        return out;
      } finally {
        release();
      }
    };
    const fresh = run(false);
    expect(run(true)).toEqual(fresh);
    expect(fresh.at(-1)!.cycles).toBe(6);
  });
});
