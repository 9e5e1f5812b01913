/**
 * Faults around a check, with real processes and files: concurrent checks and manual actions,
 * a full disk, clock jumps, and a producer caught mid-write.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/store/journal.js';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { HOUR, MIN, T0, World } from '../helpers/world.js';
import { tempDir } from '../helpers/temp-dir.js';
// @ts-expect-error: a plain ES module of the bench scripts
import { wideSpec } from '../../scripts/bench/wide.mjs';

const SPEC = join(ROOT, 'specs/custom-command.yaml');
const STATE_DIR = '.tau/custom-command';
const healthy = (w: World, atMs: number) => w.state(STATE_DIR, 'custom-command', atMs - 5000).events(STATE_DIR, ['command_runs_recorded']);
const store = (w: World, file: string) => w.path('.rollgate/custom-command', file);

function proc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('concurrency', () => {
  it('20 evaluate and control processes at once: one record per applied check or action, no lost update', async () => {
    const w = new World();
    healthy(w, T0);
    const jobs = Array.from({ length: 20 }, (_, i) => (i % 4 === 1
      ? { kind: 'control', args: ['control', SPEC, i % 8 === 1 ? 'pause' : 'resume', '--reason', `job ${i}`, '--actor', `op${i}`, '--root', w.root] }
      : { kind: 'evaluate', args: ['evaluate', SPEC, '--root', w.root, '--now', String(T0), '--format', 'json'] }));
    const runs = await Promise.all(jobs.map(async (j) => ({ ...j, ...(await proc(j.args)) })));
    for (const r of runs) expect([0, 1, 64, 65, 75], `${r.args.join(" ")}: ${r.err}`).toContain(r.code); // applied, hold, refused (e.g. resume while running), or locked
    // Exit 0, 1 and 2 are decisions (control exits with the decision its action records): applied.
    const applied = runs.filter((r) => r.code === 0 || r.code === 1 || r.code === 2);
    const journal = verifyJournal(store(w, 'decisions.jsonl'));
    expect(journal.ok).toBe(true);
    expect(journal.entries.map((e) => e.record.check)).toEqual(Array.from({ length: applied.length }, (_, i) => i + 1));
    expect(journal.entries.filter((e) => 'override' in e.record).length).toBe(applied.filter((r) => r.kind === 'control').length);
    const audit = existsSync(store(w, 'actions-audit.jsonl')) ? readFileSync(store(w, 'actions-audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean) : [];
    expect(audit.length).toBe(applied.filter((r) => r.kind === 'control').length);
    const state = JSON.parse(readFileSync(store(w, 'rollout.json'), 'utf8'));
    expect(state.checks).toBe(applied.length);
    expect(rollgate(['journal', SPEC, '--root', w.root, '--verify']).code).toBe(0);
    expect(existsSync(store(w, 'lock'))).toBe(false);
  });
});

describe('a full disk', () => {
  it('the journal cannot be written: exit 73, rollout.json and the journal unchanged, nothing staged left', () => {
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const state = readFileSync(store(w, 'rollout.json'), 'utf8');
    const journal = readFileSync(store(w, 'decisions.jsonl'), 'utf8');
    healthy(w, T0 + 5 * MIN);
    const r = rollgate(['evaluate', SPEC, '--root', w.root, '--now', String(T0 + 5 * MIN)], ROOT, { ROLLGATE_FAULT: 'disk-full' });
    expect(r.code).toBe(73);
    expect(r.stderr).toMatch(/decisions\.jsonl.*ENOSPC/);
    expect(readFileSync(store(w, 'rollout.json'), 'utf8')).toBe(state);
    expect(readFileSync(store(w, 'decisions.jsonl'), 'utf8')).toBe(journal);
    expect(existsSync(store(w, 'rollout.json.next'))).toBe(false);
    expect(existsSync(store(w, 'lock'))).toBe(false);
  });
});

/** A small tmpfs mounted over `dir` (root with mount rights, as on the CI machine), or false. */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}
const umount = (dir: string) => spawnSync('umount', [dir]);

describe('a real read-only or full filesystem under the store', () => {
  // Root ignores permission bits, so a read-only store needs a read-only mount; where mounting is
  // not allowed (not root), test/cli/evaluate-edges.test.ts covers the unwritable store by other
  // means. CI runs as root: there the tests always run, and a mount that fails fails them.
  const canMount = process.env.CI === 'true' || (process.getuid?.() === 0 && (() => {
    const probe = tempDir('mount-probe');
    const ok = mountTmpfs(probe, '64k');
    if (ok) umount(probe);
    return ok;
  })());

  it.runIf(canMount)('remounted read-only between checks: exit 73, the state and the journal unchanged', () => {
    const w = new World();
    const storeDir = w.path('.rollgate');
    expect(mountTmpfs(storeDir, '1m')).toBe(true);
    try {
      healthy(w, T0);
      w.evaluate('specs/custom-command.yaml', T0);
      const state = readFileSync(store(w, 'rollout.json'), 'utf8');
      const journal = readFileSync(store(w, 'decisions.jsonl'), 'utf8');
      expect(spawnSync('mount', ['-o', 'remount,ro', storeDir]).status).toBe(0);
      healthy(w, T0 + 5 * MIN);
      const r = rollgate(['evaluate', SPEC, '--root', w.root, '--now', String(T0 + 5 * MIN)]);
      expect(r.code).toBe(73);
      expect(r.stderr).toMatch(/EROFS/);
      expect(readFileSync(store(w, 'rollout.json'), 'utf8')).toBe(state);
      expect(readFileSync(store(w, 'decisions.jsonl'), 'utf8')).toBe(journal);
    } finally {
      umount(storeDir);
    }
  });

  it.runIf(canMount)('a store filesystem that fills up: exit 73 at some check, every applied check journaled, the journal verifies', () => {
    const w = new World();
    const storeDir = w.path('.rollgate');
    expect(mountTmpfs(storeDir, '128k')).toBe(true);
    try {
      let code: number | null = 0;
      let now = T0;
      for (let i = 0; i < 200 && code !== 73; i++, now += 5 * MIN) {
        healthy(w, now);
        code = rollgate(['evaluate', SPEC, '--root', w.root, '--now', String(now)]).code;
      }
      expect(code).toBe(73);
      const state = JSON.parse(readFileSync(store(w, 'rollout.json'), 'utf8'));
      const journal = verifyJournal(store(w, 'decisions.jsonl'));
      expect(journal.ok).toBe(true);
      expect(state.checks).toBe(journal.entries.length);
      expect(existsSync(store(w, 'rollout.json.next'))).toBe(false);
    } finally {
      umount(storeDir);
    }
  });

  it.runIf(canMount)('a store that fills up under a wide rollout (records of ~400 KB, written while they are hashed): exit 73 at some check, every applied check journaled, the journal verifies', () => {
    const work = tempDir('wide-full');
    for (let s = 0; s < 30; s++) cpSync(join(ROOT, 'fixtures/tau-samples/runtime-dashboard-healthy'), join(work, '.tau', `s${s}`), { recursive: true });
    writeFileSync(join(work, 'wide.yaml'), wideSpec(30, 40) as string);
    const storeDir = join(work, '.rollgate');
    expect(mountTmpfs(storeDir, '2m')).toBe(true);
    try {
      let r = { code: 0 as number | null, stderr: '' };
      let checks = 0;
      for (let now = Date.parse('2026-02-16T00:06:00Z'); checks < 20 && r.code !== 73; checks++, now += MIN) r = rollgate(['evaluate', join(work, 'wide.yaml'), '--root', work, '--now', String(now)]);
      expect(r.code).toBe(73);
      expect(r.stderr).toMatch(/decisions\.jsonl.*ENOSPC/);
      const journal = verifyJournal(join(storeDir, 'wide/decisions.jsonl'));
      expect(journal.ok).toBe(true);
      expect(journal.entries.length).toBe(checks - 1);
      expect(JSON.stringify(journal.entries[0]!.record).length).toBeGreaterThan(256 * 1024);
      expect(JSON.parse(readFileSync(join(storeDir, 'wide/rollout.json'), 'utf8')).checks).toBe(checks - 1);
      expect(existsSync(join(storeDir, 'wide/rollout.json.next'))).toBe(false);
    } finally {
      umount(storeDir);
    }
  });
});

describe('clock trouble', () => {
  it('the clock going backwards holds and advances nothing', () => {
    const w = new World();
    healthy(w, T0 + 10 * MIN);
    w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN);
    const back = w.evaluate('specs/custom-command.yaml', T0 + 2 * MIN);
    expect(back.code).toBe(1);
    expect(back.record.reasons[0]).toMatch(/^clock skew: this check is at .* before the previous check/);
    expect(back.record.phase.name).toBe('canary-1');
  });

  it('a clock far ahead of the producer never promotes: the state is stale, the soak restarts', () => {
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const ahead = w.evaluate('specs/custom-command.yaml', T0 + 48 * HOUR);
    expect(ahead.code).toBe(1);
    expect(ahead.record.decision).toBe('hold');
    expect(ahead.record.reasons.join(' ')).toMatch(/stale/);
    // The producer catches up: the soak starts again from here, it does not count the jump.
    healthy(w, T0 + 48 * HOUR + 5 * MIN);
    const next = w.evaluate('specs/custom-command.yaml', T0 + 48 * HOUR + 5 * MIN);
    expect(next.record.decision).toBe('wait');
    expect(next.record.soak.held_ms).toBe(5 * MIN);
  });
});

describe('the producer caught mid-write', () => {
  it('a half-written state.json holds (state unavailable) and the next whole one carries on', () => {
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const whole = readFileSync(w.path(STATE_DIR, 'state.json'), 'utf8');
    writeFileSync(w.path(STATE_DIR, 'state.json'), whole.slice(0, whole.length >> 1));
    const half = w.evaluate('specs/custom-command.yaml', T0 + 5 * MIN);
    expect(half.code).toBe(1);
    expect(half.record.surfaces['custom-command']).toMatchObject({ present: false, rollout_gate: 'hold' });
    healthy(w, T0 + 10 * MIN);
    expect(w.evaluate('specs/custom-command.yaml', T0 + 10 * MIN).record.decision).toBe('wait');
  });

  it('a log rotated between checks: no crash, the rotation noted, nothing counted twice', () => {
    const w = new World();
    healthy(w, T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const log = w.path(STATE_DIR, 'runtime-events.jsonl');
    renameSync(log, `${log}.1`); // the producer's rotation: a rename, then a new live file
    healthy(w, T0 + 5 * MIN);
    const r = w.evaluate('specs/custom-command.yaml', T0 + 5 * MIN);
    expect(r.code).toBe(0);
    expect(r.record.notes.join(' ')).toMatch(/rotated|replaced|truncated/);
  });
});
