/**
 * decisions.jsonl in process, on real files: each record is chained to the one before, and
 * verification finds the first line that was edited, torn, removed or reordered.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainedBytes, chainedLine, GENESIS, lastJournalRecord, recordHash, verifyJournal } from '../../src/store/journal.js';
import { appendRecord } from '../helpers/journal.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');
const record = (check: number, decision = 'wait') => ({ schema_version: 1, rollout: 'web', check, evaluated_unix_ms: T0 + check * 60_000, decision, reasons: [`check ${check}`] });

/** A journal of `n` records, checks 1..n. */
async function journal(n: number): Promise<string> {
  const path = join(tempDir('journal'), 'decisions.jsonl');
  for (let i = 1; i <= n; i++) await appendRecord(path, record(i));
  return path;
}
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
const rewrite = (path: string, ls: string[]) => writeFileSync(path, ls.map((l) => l + '\n').join(''));

describe('appending', () => {
  it('writes one JSON line per record, each chained to the one before from the genesis hash', async () => {
    const path = await journal(3);
    const written = lines(path).map((l) => JSON.parse(l) as { check: number; prev_hash: string; hash: string; decision: string });
    expect(written.map((r) => r.check)).toEqual([1, 2, 3]);
    expect(written[0]!.prev_hash).toBe(GENESIS);
    expect(written[1]!.prev_hash).toBe(written[0]!.hash);
    expect(written[2]!.prev_hash).toBe(written[1]!.hash);
    expect(new Set(written.map((r) => r.hash)).size).toBe(3);
    for (const r of written) expect(r.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(written[2]!.decision).toBe('wait');
    expect(lastJournalRecord(path)?.check).toBe(3);
  });

  it('returns the hash it wrote, and verification accepts the whole chain', async () => {
    const path = join(tempDir('journal'), 'decisions.jsonl');
    const a = await appendRecord(path, record(1));
    const b = await appendRecord(path, record(2));
    expect(a.repaired).toBeNull();
    const v = verifyJournal(path);
    expect(v).toMatchObject({ ok: true, broken: null, badInstant: null });
    expect(v.entries.map((e) => [e.line, e.record.hash])).toEqual([[1, a.hash], [2, b.hash]]);
  });

  it('the bytes appended are the chained line and a newline, for any record (one encoding of the record, not two)', () => {
    const prev = recordHash(GENESIS, record(1));
    const records: object[] = [
      record(2),
      { ...record(3), trace: ['{"==":[1,1]} → true', 'x … y'], '7': 'an integer key', skipped: undefined },
      {},
      { only: undefined },
      { ...record(4), hash: 'sha256:old', prev_hash: 'sha256:older' },
      { toJSON: () => ({ replaced: true }) },
      { note: 'a surrogate pair 😀, a lone one \ud800, Latin-1 é, and → arrows' },
    ];
    // A previous hash longer than the room kept for the fields (a corrupt journal's last line).
    for (const before of [prev, `sha256:${'é'.repeat(300)}`]) {
      for (const r of records) {
        const { line, hash } = chainedLine(before, r);
        const out = chainedBytes(before, r);
        expect(out.bytes.toString('utf8')).toBe(line + '\n');
        expect(out.bytes.equals(Buffer.from(line + '\n'))).toBe(true);
        expect(out.hash).toBe(hash);
      }
    }
  });

  it('a record of megabytes (its bytes written while they are hashed) appends its chained line and a newline, after a cut torn line and after a long previous hash', async () => {
    const gates = Array.from({ length: 6000 }, (_, i) => ({ name: `gate-${i % 100}`, surface: `s${i}`, result: 'pass', message: `surface.rollout_gate = pass ${'→'.repeat(i % 7)}`, trace: ['{"==":[1,1]} → true'], source: { file: '/specs/wide.yaml', line: 12 + (i % 100), col: 15 } }));
    const big = (check: number) => ({ ...record(check), gates });
    for (const before of ['', '{"check":1,"hash":"sha256:' + 'é'.repeat(300) + '"}\n']) {
      const path = join(tempDir('journal'), 'decisions.jsonl');
      writeFileSync(path, before + '{"check":1,"torn');
      const prev = before === '' ? GENESIS : 'sha256:' + 'é'.repeat(300);
      const { line, hash } = chainedLine(prev, big(2));
      expect(Buffer.byteLength(line)).toBeGreaterThan(1_000_000);
      const appended = await appendRecord(path, big(2));
      expect(appended.repaired).toMatch(/cut off a torn last line/);
      expect(appended.hash).toBe(hash);
      expect(readFileSync(path, 'utf8')).toBe(before + line + '\n');
    }
    const path = join(tempDir('journal'), 'decisions.jsonl');
    for (let i = 1; i <= 3; i++) await appendRecord(path, big(i));
    expect(verifyJournal(path)).toMatchObject({ ok: true, broken: null });
  });

  it('a missing journal verifies as empty (a rollout never checked)', () => {
    expect(verifyJournal(join(tempDir('journal'), 'decisions.jsonl'))).toMatchObject({ ok: true, entries: [], broken: null });
  });
});

describe('verification finds the first broken line', () => {
  it('an edited record (its hash no longer matches)', async () => {
    const path = await journal(3);
    const ls = lines(path);
    ls[1] = ls[1]!.replace('"decision":"wait"', '"decision":"promote"');
    rewrite(path, ls);
    const v = verifyJournal(path);
    expect(v.ok).toBe(false);
    expect(v.broken).toEqual({ line: 2, problem: 'the record does not match its hash (edited?)' });
    expect(v.entries.map((e) => e.record.check)).toEqual([1]); // what is still trustworthy
  });

  it('an edited record whose own hash was recomputed: the link of the next record breaks', async () => {
    const path = await journal(3);
    const ls = lines(path);
    const { hash: _hash, prev_hash: prev, ...body } = JSON.parse(ls[1]!) as Record<string, unknown>;
    const forged = { ...body, decision: 'promote' };
    ls[1] = JSON.stringify({ ...forged, prev_hash: prev, hash: recordHash(prev as string, forged) });
    rewrite(path, ls);
    expect(verifyJournal(path).broken).toEqual({ line: 3, problem: 'prev_hash does not match the hash of the record before it' });
  });

  it('a removed record (the check numbers skip)', async () => {
    const path = await journal(3);
    const ls = lines(path);
    rewrite(path, [ls[0]!, ls[2]!]);
    expect(verifyJournal(path).broken).toEqual({ line: 2, problem: 'check 3 follows check 1 (a check applied twice, or one missing)' });
  });

  it('a removed first record (the chain does not start at the genesis hash)', async () => {
    const path = await journal(2);
    rewrite(path, lines(path).slice(1));
    expect(verifyJournal(path).broken).toEqual({ line: 1, problem: 'prev_hash does not match the hash of the record before it' });
  });

  it('swapped records', async () => {
    const path = await journal(3);
    const ls = lines(path);
    rewrite(path, [ls[0]!, ls[2]!, ls[1]!]);
    expect(verifyJournal(path)).toMatchObject({ ok: false, broken: { line: 2 } });
  });

  it('a torn last line (a crash mid-append) and a garbled line in the middle', async () => {
    const path = await journal(2);
    appendFileSync(path, '{"schema_version":1,"check":3,"dec');
    expect(verifyJournal(path).broken).toEqual({ line: 3, problem: 'a torn last line (a crash mid-append)' });
    const ls = lines(path);
    rewrite(path, [ls[0]!, 'not json', ls[1]!]);
    expect(verifyJournal(path).broken).toEqual({ line: 2, problem: 'a line that is not JSON' });
  });

  it('a record with an instant out of range: the chain holds, the bad instant is named', async () => {
    const path = join(tempDir('journal'), 'decisions.jsonl');
    await appendRecord(path, record(1));
    await appendRecord(path, { ...record(2), evaluated_unix_ms: 1e20 });
    const v = verifyJournal(path);
    expect(v.ok).toBe(true);
    expect(v.badInstant).toMatchObject({ line: 2, check: 2 });
    expect(v.badInstant!.problem).toMatch(/^check 2: evaluated_unix_ms = 100000000000000000000 is outside/);
  });
});

describe('a torn last line is cut off by the next append, and said', () => {
  it('the chain continues from the last whole record', async () => {
    const path = await journal(2);
    const before = readFileSync(path, 'utf8');
    appendFileSync(path, '{"schema_version":1,"check":3,"decis');
    expect(lastJournalRecord(path)?.check).toBe(2); // a torn line is not a record
    const a = await appendRecord(path, record(3));
    expect(a.repaired).toMatch(/^cut off a torn last line of .*decisions\.jsonl \(\d+ bytes, a crash mid-append; that check was never applied\)$/);
    expect(readFileSync(path, 'utf8').startsWith(before)).toBe(true);
    const v = verifyJournal(path);
    expect(v.ok).toBe(true);
    expect(v.entries.map((e) => e.record.check)).toEqual([1, 2, 3]);
  });
});
