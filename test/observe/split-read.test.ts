/**
 * A large read split across worker threads (src/observe/split-read.ts) must answer exactly as
 * one thread does: the same counts, codes, last report, doubt sentence, offset and pending
 * bytes, whatever the number of parts, where the cuts fall, what the tally held before, a file
 * shorter than its stat said, a line near the length limit in a worker's part, a worker
 * that fails to start, throws, or never claims its part, and one so slow that this thread takes
 * the rest of its part, piece by piece. Worker threads need compiled code, so
 * the reads run in a child process over dist/ (test/helpers/split-read-child.mjs).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../src/observe/log-reader.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Answer {
  read: { offset: number; pendingBytes: number; bytesRead: number };
  tally: { cycles: number; invalid: number; suspect: number; lost: number; doubt: string | null; codes: Record<string, number>; last: unknown };
  codesPrototype: string;
  stats: { reads: number; workerParts: number; ownParts: number; takenPieces: number };
}
interface Case {
  path: string;
  from: number;
  final: boolean;
  parts: number;
  knownSize?: number;
  worker?: string;
  startMs?: number;
  pieceBytes?: number;
  before?: boolean;
}

function run(cases: Case[]): { one: Answer; split: Answer }[] {
  const file = join(dir, `cases-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cases));
  const r = spawnSync(process.execPath, [join(ROOT, 'test/helpers/split-read-child.mjs'), ROOT, file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  expect(r.signal, 'the child was killed: a split read blocked').toBeNull();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { one: Answer; split: Answer }[];
}

/** A seeded generator (mulberry32): the same file every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = ['widget_views_updated', 'control_actions_applied', 'healthy_cycle', 'case_processing_failed', 'retry_attempted', ' padded_code ', '__proto__', 'constructor', 'toString', 'é_unicode'];

/** Lines a producer writes, and what a garbled or hostile log holds besides. */
function mixedLines(rnd: () => number, bytes: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const int = () => String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 8)));
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const kind = rnd();
    let line: string;
    if (kind < 0.8) {
      const codes = JSON.stringify(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(CODES.slice(0, 5))));
      line = `{"timestamp_unix_ms":${int()},"health_state":"healthy","health_reason":"no recent transport failures observed","reason_codes":${codes},"discovered_cases":${int()},"queued_cases":${int()},"failed_cases":${int()},"failure_streak":${int()}}`;
    } else if (kind < 0.88) {
      line = JSON.stringify({ reason_codes: [pick(CODES), pick(CODES)], health_reason: pick(['ok', 'a "quoted" reason', 'tab\there', 'ünïcode']) });
    } else if (kind < 0.91) {
      line = pick(['not json', '{"a":', '{}', '[]', '   ', '', '{"reason_codes":"x"}', '{"reason_codes":[1]}', '{"reason_codes":["a"],"reason_codes":["b"]}', '{"reason_codes":["x"', '{"reason\\u005fcodes":["hidden"]}']);
    } else if (kind < 0.93) {
      line = `${JSON.stringify({ reason_codes: ['healthy_cycle'], health_reason: 'ok' })}\r`;
    } else if (kind < 0.935) {
      // Long lines: across 64 KiB pieces and 1 MiB reads.
      line = JSON.stringify({ reason_codes: ['case_processing_failed'], health_reason: 'x'.repeat(50_000 + Math.floor(rnd() * 250_000)) });
    } else {
      line = `{"reason_codes":${JSON.stringify([pick(CODES)])},"n":${int()},"f":${rnd().toFixed(3)},"b":${rnd() < 0.5},"z":null}`;
    }
    out.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return out.join('\n') + '\n';
}

let dir: string;
let mixed: string;
let mixedBytes: number;
let midLine: number;

beforeAll(() => {
  dir = tempDir('split');
  mixed = join(dir, 'runtime-events.jsonl');
  const text = mixedLines(random(7), 4 << 20);
  writeFileSync(mixed, text);
  mixedBytes = Buffer.byteLength(text);
  midLine = Buffer.from(text).indexOf(10, Math.floor(mixedBytes / 3)) + 1;
});

function expectSame(answers: { one: Answer; split: Answer }[], workerParts: number[]): void {
  answers.forEach(({ one, split }, i) => {
    expect(split.read, `case ${i}`).toEqual(one.read);
    expect(split.tally, `case ${i}`).toEqual(one.tally);
    expect(split.codesPrototype).toBe('null');
    expect(one.stats.reads).toBe(0);
    expect(split.stats.workerParts, `case ${i}: parts scanned by a worker`).toBe(workerParts[i]);
  });
}

describe('a read split across worker threads answers as one thread', () => {
  it('2, 3 and 4 parts over 4 MiB of mixed and hostile lines, from the start and from a line mid-file, with a tally already holding counts', () => {
    const cases: Case[] = [2, 3, 4].flatMap((parts) => [
      { path: mixed, from: 0, final: false, parts },
      { path: mixed, from: midLine, final: true, parts, before: true },
    ]);
    const answers = run(cases);
    expectSame(answers, cases.map((c) => c.parts - 1));
    expect(answers[0]!.one.tally.cycles).toBeGreaterThan(4_000);
    expect(answers[0]!.one.tally.suspect).toBeGreaterThan(0);
    expect(answers[0]!.one.tally.codes['__proto__']).toBeGreaterThan(0);
    expect(answers[0]!.one.read.offset).toBe(mixedBytes);
  });

  it('a last line without its newline: left pending while the file is live, counted once it is final or a complete object', () => {
    const partial = join(dir, 'partial.jsonl');
    const complete = join(dir, 'complete.jsonl');
    writeFileSync(partial, `${mixedLines(random(8), 3 << 20)}{"reason_codes":["case_processing_failed"`);
    writeFileSync(complete, `${mixedLines(random(9), 3 << 20)}{"reason_codes":["case_processing_failed"]}`);
    const cases: Case[] = [
      { path: partial, from: 0, final: false, parts: 2 },
      { path: partial, from: 0, final: true, parts: 3 },
      { path: complete, from: 0, final: false, parts: 2 },
    ];
    const answers = run(cases);
    expectSame(answers, [1, 2, 1]);
    expect(answers[0]!.one.read.pendingBytes).toBeGreaterThan(0);
    expect(answers[1]!.one.read.pendingBytes).toBe(0);
    expect(answers[2]!.one.read.pendingBytes).toBe(0);
  });

  it('a file shorter than its stat said (truncated after the open): the parts past its end read nothing, as one thread would', () => {
    // Also in pieces of 256 KiB: whichever thread takes a piece past the end reads nothing there.
    const cases: Case[] = [2, 3, 4].flatMap((parts) => [undefined, 256 * 1024].map((pieceBytes) => ({ path: mixed, from: 0, final: false, parts, knownSize: mixedBytes + (3 << 20), pieceBytes })));
    const answers = run(cases);
    answers.forEach(({ one, split }) => {
      expect(split.read).toEqual(one.read);
      expect(split.tally).toEqual(one.tally);
    });
    expect(answers[0]!.one.read.offset).toBe(mixedBytes);
  });

  it('a worker that cannot start, one that throws after claiming its part, one that never claims it: this thread scans those parts, same answer', () => {
    const throws = join(dir, 'throws.mjs');
    writeFileSync(throws, 'throw new Error("no such worker");\n');
    const failsAfterClaim = join(dir, 'fails.mjs');
    writeFileSync(
      failsAfterClaim,
      `import { workerData } from 'node:worker_threads';
const { shared, port } = workerData;
Atomics.compareExchange(shared, 0, 0, 1);
port.postMessage({ error: 'EIO: i/o error, read' });
Atomics.store(shared, 0, 2);
Atomics.notify(shared, 0);
port.close();
`,
    );
    const neverClaims = join(dir, 'idle.mjs');
    writeFileSync(neverClaims, 'setInterval(() => {}, 1000);\n');
    const cases: Case[] = [throws, failsAfterClaim, neverClaims].map((worker) => ({ path: mixed, from: 0, final: false, parts: 3, worker, startMs: 300 }));
    const answers = run(cases);
    expectSame(answers, [0, 0, 0]);
    for (const { split } of answers) expect(split.stats.ownParts).toBe(2);
  });

  it('a worker that starts late: this thread, done with its own part, takes every piece of the worker\'s but its first, and the answer is the same', () => {
    // The worker waits until the thread that started it has taken all its pieces but the
    // first (the shared counter says so), then runs the real worker: the take path, every time.
    const late = join(dir, 'late.mjs');
    writeFileSync(
      late,
      `import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
const { shared, cuts } = workerData;
const nap = new Int32Array(new SharedArrayBuffer(4));
while (Atomics.load(shared, 2) <= cuts.length - 2) Atomics.wait(nap, 0, 0, 5);
await import(pathToFileURL(${JSON.stringify(join(ROOT, 'dist/observe/scan-worker.js'))}).href);
`,
    );
    const cases: Case[] = [2, 3].flatMap((parts) => [
      { path: mixed, from: 0, final: false, parts, worker: late, pieceBytes: 256 * 1024 },
      { path: mixed, from: midLine, final: true, parts, worker: late, pieceBytes: 256 * 1024, before: true },
    ]);
    const answers = run(cases);
    expectSame(answers, cases.map((c) => c.parts - 1));
    for (const [i, { split }] of answers.entries()) {
      // 4 MiB (or two thirds of it) in parts of 256 KiB pieces: this thread took all but the workers' first.
      expect(split.stats.takenPieces, `case ${i}`).toBeGreaterThan(2);
      expect(split.stats.ownParts, `case ${i}`).toBe(0);
    }
  });

  it('a line just past the length limit in a worker part is judged at the same byte counts as on one thread', () => {
    // Reads end at multiples of 64 KiB from where the read began. The long line starts on such
    // a boundary, so one thread reads it whole (it is 48 KiB past the limit, under the next
    // boundary); a worker counting from its own cut (32 KiB off) would find it too long.
    const STEP = 64 * 1024;
    const head = 40 * 1024; // lines of 1 KiB
    const longLength = MAX_LINE_BYTES + 48 * 1024;
    const start = head * 1024;
    const target = 32_000; // where size/4 must fall modulo 64 KiB: the first cut then lands 32 KiB off
    let tail = 1024;
    while (Math.floor((start + longLength + tail) / 4) % STEP !== target) tail++;
    const path = join(dir, 'long.jsonl');
    const line = JSON.stringify({ reason_codes: ['healthy_cycle'], health_reason: 'p'.repeat(1023 - 53) });
    expect(Buffer.byteLength(line)).toBe(1023);
    const body = Buffer.alloc(longLength, 'y');
    body[longLength - 1] = 10;
    const end = Buffer.alloc(tail, 'z');
    end[tail - 1] = 10;
    writeFileSync(path, Buffer.concat([Buffer.from(`${line}\n`.repeat(head)), body, end]));
    const size = start + longLength + tail;
    const cut = Math.ceil((Math.floor(size / 4) + 1) / 1024) * 1024;
    expect(cut % STEP).toBeGreaterThan(16 * 1024);
    expect(cut % STEP).toBeLessThan(48 * 1024);
    const [answer] = run([{ path, from: 0, final: true, parts: 4 }]);
    // The cuts inside the long line are dropped: two parts, the long line in the worker's.
    expectSame([answer!], [1]);
    expect(answer!.one.tally).toMatchObject({ cycles: head, invalid: 2, suspect: 0 });
  });
});
