/**
 * Crashes (SIGKILL: no cleanup, like a power cut or an OOM kill) at every step of a check's
 * commit, and at random instants: rollout.json always loads, the journal always verifies after
 * the next check, and no check is ever applied twice.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = 'specs/custom-command.yaml';
const STATE_DIR = '.tau/custom-command';

/** A healthy custom-command surface whose state is rewritten for `atMs`. */
function healthy(world: World, atMs: number): void {
  world.state(STATE_DIR, 'custom-command', atMs - 5000).events(STATE_DIR, ['command_runs_recorded']);
}

function evaluate(world: World, nowMs: number, env: Record<string, string> = {}) {
  return rollgate(['evaluate', join(ROOT, SPEC), '--root', world.root, '--now', String(nowMs), '--format', 'json'], ROOT, env);
}

function verify(world: World) {
  // --limit 1: verification covers every record; printing them all is not needed.
  return rollgate(['journal', join(ROOT, SPEC), '--root', world.root, '--verify', '--format', 'json', '--limit', '1']);
}

function journalChecks(world: World): number[] {
  const path = world.path('.rollgate/custom-command/decisions.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((l) => {
    try {
      return [(JSON.parse(l) as { check: number }).check];
    } catch {
      return []; // a torn last line: the next check cuts it off
    }
  });
}

describe('a check killed at each step of its commit', () => {
  it.each([
    ['after-stage', 'the staged state is discarded: that check never happened', 2],
    ['mid-journal', 'the torn line is cut off and reported; the check never happened', 2],
    ['after-journal', 'the journaled check is completed (its state rolled forward), not run twice', 3],
    ['holding-lock', 'the dead holder\'s lock is taken over', 2],
  ])('%s: %s', (fault, _what, checksAfterNext) => {
    const world = new World();
    healthy(world, T0);
    expect(evaluate(world, T0).code).toBe(0);
    healthy(world, T0 + 5 * MIN);
    const killed = evaluate(world, T0 + 5 * MIN, { ROLLGATE_FAULT: fault });
    expect(killed.code).toBe(null); // killed by the signal
    // rollout.json always loads.
    expect(() => JSON.parse(readFileSync(world.path('.rollgate/custom-command/rollout.json'), 'utf8'))).not.toThrow();
    healthy(world, T0 + 10 * MIN);
    const next = evaluate(world, T0 + 10 * MIN);
    expect(next.code).toBe(0);
    const record = JSON.parse(next.stdout) as { check: number; notes: string[] };
    expect(record.check).toBe(checksAfterNext);
    if (fault === 'mid-journal') expect(record.notes.join(' ')).toContain('cut off a torn last line');
    if (fault === 'after-journal') expect(record.notes.join(' ')).toContain('completed check 2, which a crash interrupted after it was journaled');
    if (fault === 'after-stage') expect(record.notes.join(' ')).toContain('discarded check 2, which a crash interrupted before it was journaled');
    if (fault === 'holding-lock') expect(record.notes.join(' ')).toMatch(/lock/);
    expect(journalChecks(world)).toEqual(Array.from({ length: checksAfterNext }, (_, i) => i + 1));
    const v = verify(world);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).verification).toMatchObject({ ok: true, state: { ok: true } });
    expect(existsSync(world.path('.rollgate/custom-command/rollout.json.next'))).toBe(false);
  });

  // The first check creates the journal before it stages the state (so one directory fsync
  // makes both names durable): a crash in between leaves an empty journal, which is no record.
  it.each([
    ['after-stage', 1],
    ['mid-journal', 1],
    ['after-journal', 2],
  ])('the first check killed at %s: the next check is check %i, and the store verifies', (fault, checkAfter) => {
    const world = new World();
    healthy(world, T0);
    expect(evaluate(world, T0, { ROLLGATE_FAULT: fault }).code).toBe(null);
    expect(existsSync(world.path('.rollgate/custom-command/decisions.jsonl'))).toBe(true);
    healthy(world, T0 + 5 * MIN);
    const next = evaluate(world, T0 + 5 * MIN);
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as { check: number }).check).toBe(checkAfter);
    expect(journalChecks(world)).toEqual(Array.from({ length: checkAfter }, (_, i) => i + 1));
    const v = verify(world);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).verification).toMatchObject({ ok: true, state: { ok: true } });
  });

  it('journal --verify right after a crash between journal and state accounts for the interrupted commit', () => {
    const world = new World();
    healthy(world, T0);
    evaluate(world, T0);
    healthy(world, T0 + 5 * MIN);
    evaluate(world, T0 + 5 * MIN, { ROLLGATE_FAULT: 'after-journal' });
    const v = verify(world);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).verification.records).toBe(2);
  });
});

describe('kill -9 at random instants', () => {
  // 200 runs locally; CI machines are slower, so fewer there (never zero).
  const RUNS = process.env.CI ? 60 : 200;

  it(`${RUNS} evaluate runs, each killed at a random moment or left to finish`, async () => {
    const world = new World();
    let now = T0;
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killedMidway = 0;
    for (let i = 0; i < RUNS; i++) {
      now += 5 * MIN;
      healthy(world, now);
      const child = spawn(process.execPath, [join(ROOT, 'bin/rollgate.js'), 'evaluate', join(ROOT, SPEC), '--root', world.root, '--now', String(now), '--format', 'json'], { stdio: 'ignore' });
      const delay = random() * 160;
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      clearTimeout(timer);
      if (code === null) killedMidway++;
      // Whatever happened, the saved state loads.
      const statePath = world.path('.rollgate/custom-command/rollout.json');
      if (existsSync(statePath)) expect(() => JSON.parse(readFileSync(statePath, 'utf8'))).not.toThrow();
    }
    // One clean check finishes whatever the last kill interrupted; then everything verifies.
    now += 5 * MIN;
    healthy(world, now);
    expect(evaluate(world, now).code).toBe(0);
    const checks = journalChecks(world);
    expect(checks).toEqual(Array.from({ length: checks.length }, (_, i) => i + 1)); // none twice, none skipped
    const v = verify(world);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(killedMidway).toBeGreaterThan(RUNS / 10);
    // No leftovers: temp files of killed writers are swept by the next check, which holds the lock.
    expect(readdirSync(world.path('.rollgate/custom-command')).filter((f) => /\.tmp-|\.next$|^lock/.test(f))).toEqual([]);
  }, 600_000);
});
