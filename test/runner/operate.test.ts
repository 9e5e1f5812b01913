/**
 * The one edge loop in process (runner/operate.ts), on real files: the same loop with the file
 * store, the memory store, an extra observation source and traffic providers, the way
 * evaluate, control, simulate and the next stores, sources and providers use it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Observations } from '../../src/engine/observations.js';
import type { ObservationSource } from '../../src/observe/source.js';
import type { Change, TrafficProvider } from '../../src/routing/provider.js';
import { hooksProvider } from '../../src/routing/hooks-provider.js';
import { operate, type Operated } from '../../src/runner/operate.js';
import { rolloutStatus } from '../../src/runner/rollout-status.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { fileStore } from '../../src/store/file-store.js';
import { acquireLock } from '../../src/store/lock.js';
import { memoryStore } from '../../src/store/memory-store.js';
import { openStore } from '../../src/store/open-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { webSpec } from '../helpers/web-spec.js';
import { MIN, T0, World } from '../helpers/world.js';

const SPEC = webSpec('echo "$ROLLGATE_PHASE $ROLLGATE_TRAFFIC" >> weights.txt');

function spec(text = SPEC): Spec {
  const r = loadSpecText(text, 'web.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

function healthy(w: World, at: number): World {
  return w.state('.tau/web', 'custom-command', at).events('.tau/web', ['healthy_cycle']);
}

const ok = (done: Operated) => {
  if (!done.ok) throw new Error(done.message);
  return done;
};

describe('one loop, file store', () => {
  it('a check journals its record and saves the state; a dry run writes nothing', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    const dry = ok(await operate(s, { kind: 'check', dryRun: true }, { store, root: w.root, nowMs: T0 }));
    expect(dry.record.decision).toBe('wait');
    expect(existsSync(w.path('.rollgate'))).toBe(false);
    const first = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 }));
    expect(first.record).toMatchObject({ check: 1, decision: 'wait', dry_run: false });
    expect(await store.load()).toMatchObject({ checks: 1, phase: { name: 'canary' } });
    const journal = await store.verify();
    expect(journal.ok).toBe(true);
    expect(journal.verification.entries.map((e) => e.record.decision)).toEqual(['wait']);
  });

  it('providers run in order after the decision, and what they return is what is journaled', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    const seen: string[] = [];
    const recorder = (name: string): TrafficProvider => ({
      name,
      async apply(change: Change) {
        seen.push(`${name}:${change.decided.record.decision}:${change.events.join(',')}`);
        return { ...change.decided, record: { ...change.decided.record, notes: [...change.decided.record.notes, `${name} was here`] } };
      },
      retry: async (_spec, state) => ({ results: [], state }),
    });
    await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0, providers: [recorder('a'), recorder('b')] });
    healthy(w, T0 + 11 * MIN);
    const done = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + 11 * MIN, providers: [recorder('a'), recorder('b')] }));
    expect(seen).toEqual(['a:wait:', 'b:wait:', 'a:promote:promote', 'b:promote:promote']);
    expect(done.record.notes.slice(-2)).toEqual(['a was here', 'b was here']);
    const last = (await store.verify()).verification.entries.at(-1)!.record as { notes: string[] };
    expect(last.notes.slice(-2)).toEqual(['a was here', 'b was here']);
  });

  it('a failed promote hook keeps the phase: the journal says hold, the state stays in canary', async () => {
    const w = healthy(new World(), T0);
    const s = spec(webSpec('echo "$ROLLGATE_PHASE $ROLLGATE_TRAFFIC" >> weights.txt; exit 3'));
    const store = fileStore(w.path('.rollgate'), s.name);
    await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0, providers: [hooksProvider] });
    healthy(w, T0 + 11 * MIN);
    const done = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + 11 * MIN, providers: [hooksProvider] }));
    expect(done.record.decision).toBe('hold');
    expect(done.record.reasons[0]).toMatch(/^the promote hook `sh -c .*` failed \(.*exit.*3.*\), so the phase is kept$/);
    expect(readFileSync(w.path('weights.txt'), 'utf8')).toBe('general-availability 100\n');
    expect(await store.load()).toMatchObject({ phase: { name: 'canary' }, last_decision: 'hold' });
  });

  it('a manual action is journaled, then audited; a refused one writes nothing', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    const refused = await operate(s, { kind: 'action', action: 'resume', who: { actor: 'ann', reason: 'x' } }, { store, root: w.root, nowMs: T0 });
    expect(refused.ok).toBe(false);
    expect(existsSync(store.folder.journalPath)).toBe(false);
    const paused = ok(await operate(s, { kind: 'action', action: 'pause', who: { actor: 'ann', reason: 'INC-7' } }, { store, root: w.root, nowMs: T0 }));
    expect(paused.record).toMatchObject({ decision: 'hold', override: { action: 'pause', actor: 'ann', reason: 'INC-7' } });
    const audit = readFileSync(store.folder.auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit).toEqual([expect.objectContaining({ action: 'pause', actor: 'ann', reason: 'INC-7', control_mode: 'paused', rollout: 'web', timestamp_unix_ms: T0 })]);
  });

  it('a rollback writes the incident bundle and says where', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 });
    w.state('.tau/web', 'custom-command', T0 + MIN).events('.tau/web', ['case_processing_failed']);
    const done = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + MIN }));
    expect(done.record.decision).toBe('rollback');
    const note = done.record.notes.find((n) => n.startsWith('incident bundle written to '))!;
    const folder = note.replace('incident bundle written to ', '').replace(" in the rollout's store folder", '');
    expect(JSON.parse(readFileSync(join(store.location, folder, 'decision.json'), 'utf8'))).toMatchObject({ decision: 'rollback', check: 2 });
  });

  it('another holder of the lock: 75, and nothing is observed or written', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 });
    const held = acquireLock(store.folder.lockPath);
    let observed = 0;
    const counting: ObservationSource = { name: 'counting', observe: () => void observed++ };
    try {
      await expect(operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + MIN, sources: [counting] })).rejects.toMatchObject({ exitCode: 75 });
    } finally {
      held.release();
    }
    expect(observed).toBe(0);
    expect((await store.verify()).verification.entries).toHaveLength(1);
  });
});

describe('sources', () => {
  it('the engine reads only what the sources observed: without the Tau source the surface is unavailable and the gate holds', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const none: ObservationSource = { name: 'nothing', observe: () => {} };
    const done = ok(await operate(s, { kind: 'check', dryRun: true }, { store: memoryStore(s.name), root: w.root, nowMs: T0, sources: [none] }));
    expect(done.record.decision).toBe('hold');
    expect(done.record.surfaces.web).toMatchObject({ present: false, health_state: 'unknown', rollout_gate: 'hold' });
  });

  it('an asynchronous source is awaited, and sees the check instant and the remembered state', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const seen: { nowMs: number; checks: number | null }[] = [];
    const { tauSurfaces } = await import('../../src/observe/tau-surfaces.js');
    const later: ObservationSource = {
      name: 'later',
      async observe(request, into: Observations) {
        await new Promise((r) => setImmediate(r));
        seen.push({ nowMs: request.nowMs, checks: request.state?.checks ?? null });
        await tauSurfaces.observe(request, into);
      },
    };
    const store = memoryStore(s.name);
    ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0, sources: [later] }));
    const second = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + MIN, sources: [later] }));
    expect(seen).toEqual([{ nowMs: T0, checks: null }, { nowMs: T0 + MIN, checks: 1 }]);
    expect(second.record.decision).toBe('wait');
  });
});

describe('stores', () => {
  it('the memory store keeps the state between operations and writes no file', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = memoryStore(s.name);
    ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 }));
    healthy(w, T0 + 11 * MIN);
    const done = ok(await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 + 11 * MIN }));
    expect(done.record.decision).toBe('promote');
    expect(store.state).toMatchObject({ checks: 2, phase: { name: 'general-availability' } });
    // No incident folder, no journal, no hook record: nothing under the root but the producer's files.
    expect(existsSync(w.path('.rollgate'))).toBe(false);
  });

  it('--store picks the store by scheme: a directory is the file store; an unknown scheme is a usage error, never a folder named so', () => {
    const w = new World();
    expect(openStore(w.path('.rollgate'), 'web').location).toBe(w.path('.rollgate', 'web'));
    let err: unknown;
    try {
      openStore('mysql://db/rollouts', 'web');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).exitCode).toBe(64);
    expect((err as Error).message).toContain('this rollgate has no mysql store');
    expect(existsSync('mysql:')).toBe(false);
  });

  it('the status query is a dry run: it reads the journal and the state, and changes neither', async () => {
    const w = healthy(new World(), T0);
    const s = spec();
    const store = fileStore(w.path('.rollgate'), s.name);
    await operate(s, { kind: 'check', dryRun: false }, { store, root: w.root, nowMs: T0 });
    const before = readFileSync(store.folder.statePath, 'utf8') + readFileSync(store.folder.journalPath, 'utf8');
    writeFileSync(w.path('unrelated'), '');
    const view = await rolloutStatus(s, { store, root: w.root, nowMs: T0 + 11 * MIN, history: 10, verify: true });
    expect(view.preview).toMatchObject({ decision: 'promote', dry_run: true, check: 2 });
    expect(view.state?.checks).toBe(1);
    expect(view.history.map((r) => r.check)).toEqual([1]);
    expect(view.journal?.ok).toBe(true);
    expect(readFileSync(store.folder.statePath, 'utf8') + readFileSync(store.folder.journalPath, 'utf8')).toBe(before);
  });
});
