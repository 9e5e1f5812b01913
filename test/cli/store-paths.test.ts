/**
 * Store and output paths that cannot be: an answer at once (73 or 66, with a sentence), never a
 * spin (Node's recursive mkdir loops forever on procfs) and never a store made where it should
 * not be. The process timeout is the failure signal for a hang; no duration is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { T0, World } from '../helpers/world.js';

const SPEC = join(ROOT, 'specs/custom-command.yaml');

/** The CLI with a hard timeout: a hang ends as code null (and fails the test), not as a stuck run. */
function rollgateWithin(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/rollgate.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a store path that cannot be created', () => {
  it('--store /proc/x: exit 73 with a sentence (evaluate and control)', () => {
    const w = new World();
    w.state('.tau/custom-command', 'custom-command', T0 - 60_000);
    for (const args of [['evaluate', SPEC, '--now', String(T0)], ['control', SPEC, 'pause', '--reason', 'x', '--now', String(T0)]]) {
      const r = rollgateWithin([...args, '--root', w.root, '--store', '/proc/x']);
      expect(r.code, r.stderr).toBe(73);
      expect(r.stderr).toContain('cannot write /proc/x/custom-command (ENOENT): the store must be a directory rollgate can create and write');
    }
    expect(existsSync(w.path('.rollgate'))).toBe(false);
  });

  it('a store under a file: exit 73', () => {
    const w = new World();
    w.state('.tau/custom-command', 'custom-command', T0 - 60_000).raw('afile', 'x');
    const r = rollgateWithin(['evaluate', SPEC, '--root', w.root, '--now', String(T0), '--store', w.path('afile/store')]);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain('(ENOTDIR)');
  });

  it('missing levels of a store path are created, one at a time', () => {
    const w = new World();
    w.state('.tau/custom-command', 'custom-command', T0 - 60_000).events('.tau/custom-command', ['command_runs_recorded']);
    const r = rollgateWithin(['evaluate', SPEC, '--root', w.root, '--now', String(T0), '--store', w.path('a/b/c')]);
    expect(r.code).toBe(0);
    expect(readdirSync(w.path('a/b/c/custom-command'))).toContain('decisions.jsonl');
  });
});

describe('--root that does not exist', () => {
  it.each([
    ['evaluate', SPEC, '--now', String(T0)],
    ['evaluate', SPEC, '--dry-run'],
    ['status', SPEC],
    ['control', SPEC, 'pause', '--reason', 'x'],
    ['journal', SPEC, '--verify'],
    ['run', SPEC, '--once'],
    ['serve', SPEC, '--port', '0'],
  ])('%s: exit 66, nothing created', (...args) => {
    const dir = tempDir('root');
    const missing = join(dir, 'nonexistent');
    const r = rollgateWithin([...args, '--root', missing]);
    expect(r.code, r.stderr).toBe(66);
    expect(r.stderr).toContain(`--root ${missing}: no such directory`);
    expect(existsSync(missing)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a --root that is a file: exit 66', () => {
    const w = new World();
    w.raw('afile', 'x');
    const r = rollgateWithin(['evaluate', SPEC, '--root', w.path('afile'), '--now', String(T0)]);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('this is not a directory');
  });
});

describe('simulate --record', () => {
  it('into procfs: exit 73 with a sentence, at once', () => {
    const r = rollgateWithin(['simulate', 'specs/custom-command.yaml', '--timeline', 'fixtures/timelines/custom-command-healthy.yaml', '--record', '/proc/x']);
    expect(r.code, r.stderr).toBe(73);
    expect(r.stderr).toContain('--record /proc/x: cannot create it (ENOENT)');
  });
});

describe('init --output', () => {
  it('into procfs: a non-zero exit with a sentence, at once', () => {
    const r = rollgateWithin(['init', '--output', '/proc/nope/x.yaml'], tempDir('init'));
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(null);
    expect(r.stderr).toContain('--output /proc/nope/x.yaml: cannot create the folder /proc/nope');
  });

  it('creates the file\'s own folder, but its parent must exist (66, nothing created)', () => {
    const dir = tempDir('init');
    const deep = rollgateWithin(['init', '--output', 'nope/deeper/x.yaml'], dir);
    expect(deep.code).toBe(66);
    expect(deep.stderr).toContain(`the directory ${join(dir, 'nope')} does not exist`);
    expect(readdirSync(dir)).toEqual([]);
    expect(rollgateWithin(['init', '--output', 'fresh/x.yaml'], dir).code).toBe(0);
    expect(existsSync(join(dir, 'fresh/x.yaml'))).toBe(true);
  });
});

describe('a --store URL of a store this build does not have', () => {
  it('every command that takes --store answers 64 with a sentence, shows no password and makes no folder named like the URL', () => {
    const w = new World();
    w.state('.tau/custom-command', 'custom-command', T0 - 60_000);
    const url = 'mysql://ann:hunter2@127.0.0.1:3306/rollouts';
    const commands = [
      ['evaluate', SPEC, '--now', String(T0)],
      ['evaluate', SPEC, '--now', String(T0), '--dry-run'],
      ['control', SPEC, 'pause', '--reason', 'x', '--now', String(T0)],
      ['status', SPEC, '--now', String(T0)],
      ['journal', SPEC, '--verify'],
      ['journal', SPEC],
      ['run', SPEC, '--once'],
      ['serve', SPEC, '--port', '0'],
    ];
    for (const args of commands) {
      const r = rollgateWithin([...args, '--root', w.root, '--store', url], w.root);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(64);
      expect(r.stderr).toContain('--store mysql://…: this rollgate has no mysql store; give a directory');
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    }
    expect(readdirSync(w.root).sort()).toEqual(['.tau', 'scripts']);
  });
});

describe('store copy from a directory that is not there', () => {
  it('is 66 with a sentence, not an empty store copied', () => {
    const w = new World();
    const r = rollgateWithin(['store', 'copy', '--from', join(w.root, 'nope'), '--to', join(w.root, 'out')], w.root);
    expect(r.code, r.stderr).toBe(66);
    expect(r.stderr).toContain('nope: no such directory; give the store directory to copy from');
    expect(existsSync(join(w.root, 'out'))).toBe(false);
  });
});
