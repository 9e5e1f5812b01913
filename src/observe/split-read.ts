/**
 * A large read (a first check over a big log) split across threads: the range is cut at line
 * starts into one part per core (at most MAX_PARTS); worker threads scan the later parts on the
 * same fd (positional reads share nothing) while this thread scans the first, then the
 * tallies are added in file order. Counting is per line and the cuts fall between lines, so the
 * sum is what one thread would count: test/observe/split-read.test.ts holds it to that.
 *
 * A worker's part is cut again into pieces of PIECE_BYTES. A worker starts tens of milliseconds
 * after this thread, and threads share the cores with the collector and the compiler: with
 * even parts, this thread then waited for the worker for up to a third of the scan. Once done
 * with its own part, this thread takes the pieces no worker has taken yet (scan-job.ts), so the
 * threads finish within a piece of each other.
 *
 * The call stays synchronous: this thread waits for each worker with Atomics.wait and takes its
 * answer with receiveMessageOnPort. Whatever goes wrong on a worker's side (it cannot start in
 * time, its file is missing, its read throws) ends with this thread scanning that worker's
 * pieces itself, so a failure costs time, never a different answer.
 */
import { existsSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { addTally, emptyTally, type LogTally } from '../engine/log-tally.js';
import { readRange, type LogRead } from './log-range.js';
import { CLAIMED, DONE, GIVEN_UP, KIB, NEXT, SHARED_WORDS, STATE, WAITING, fromWire, type ScanJob, type ScanAnswer } from './scan-job.js';

/** Below this many bytes a read stays on one thread: a worker costs ~30 ms to start. */
const SPLIT_FROM_BYTES = 64 * 1024 * 1024;
const MAX_PARTS = 4;
/** A piece of a worker's part: about 8 ms of one thread's scan. */
const PIECE_BYTES = 16 * 1024 * 1024;
/** How far past a cut point a newline is looked for; a longer line there means one cut fewer. */
const CUT_WINDOW = 1024 * 1024;
/** Looked at first: lines are short, and a cut per piece must cost little to find. */
const FIRST_WINDOW = 64 * 1024;
/**
 * How long a worker may take to start, counted from when this thread is done with its own part
 * and the pieces it took.
 */
const START_MS = 2000;

interface SplitSettings {
  fromBytes: number;
  parts: number;
  /** The worker's entry; null: found beside this module. */
  worker: string | null;
  startMs: number;
  pieceBytes: number;
}

const defaults = (): SplitSettings => ({ fromBytes: SPLIT_FROM_BYTES, parts: partsFromEnv(), worker: null, startMs: START_MS, pieceBytes: PIECE_BYTES });
let settings = defaults();

/**
 * Threads for a large read: ROLLGATE_SCAN_THREADS (1 keeps every read on one thread), else
 * one per core, at most MAX_PARTS.
 */
function partsFromEnv(): number {
  const asked = process.env['ROLLGATE_SCAN_THREADS'];
  const n = asked !== undefined && /^[1-9][0-9]*$/.test(asked.trim()) ? Number(asked.trim()) : availableParallelism();
  return Math.min(MAX_PARTS, n);
}

/** For tests: other settings (reset to the defaults with `{}`). */
export function configureSplit(options: Partial<SplitSettings>): void {
  settings = { ...defaults(), ...options };
}

/**
 * What the split reads since the process started did, for tests, which must see each path
 * taken: parts whose first piece a worker scanned, parts this thread scanned from their first
 * piece (their worker failed), and pieces of workers' parts this thread took.
 */
export const splitStats = { reads: 0, workerParts: 0, ownParts: 0, takenPieces: 0 };

/** The worker's entry beside this module: .cjs in the bundle, .js in the compiled library. */
function workerFile(): string | null {
  if (settings.worker !== null) return settings.worker;
  const here = import.meta.url;
  if (!here.startsWith('file:')) return null;
  const file = fileURLToPath(new URL(here.endsWith('.cjs') ? './scan-worker.cjs' : './scan-worker.js', here));
  return existsSync(file) ? file : null; // running from sources (tests): no worker, one thread
}

interface Part {
  /** Its pieces: piece k is [cuts[k], cuts[k + 1]). The first part is one piece, this thread's. */
  cuts: number[];
  final: boolean;
  job: RunningJob | null;
}

interface RunningJob {
  worker: Worker;
  port: MessagePort;
  shared: Int32Array;
}

/** A piece scanned apart from the others, added in file order later. */
interface Scanned {
  read: LogRead;
  tally: LogTally;
}

/**
 * Reads [from, size) split across threads, into `tally`, or returns null when the read stays on
 * one thread (too small, one core, no worker file, no line start near a cut point).
 */
export function readSplit(fd: number, from: number, size: number, final: boolean, tally: LogTally, name: string, progress?: (done: number) => void): LogRead | null {
  if (size - from < settings.fromBytes || settings.parts < 2) return null;
  const file = workerFile();
  if (file === null) return null;
  const cuts = cutPoints(fd, from, size, settings.parts);
  if (cuts.length < 3) return null;
  splitStats.reads++;
  const parts: Part[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    parts.push({ cuts: i === 0 ? [a, b] : cutPoints(fd, a, b, Math.max(1, Math.round((b - a) / settings.pieceBytes))), final: i + 2 === cuts.length && final, job: null });
  }
  for (const part of parts.slice(1)) part.job = start(file, { fd, cuts: part.cuts, final: part.final, name, alignFrom: from });
  let mine = 0; // bytes this thread has scanned
  const report = progress ? (current: number) => progress(Math.min(size - from, mine + current + parts.reduce((sum, p) => sum + (p.job ? Atomics.load(p.job.shared, KIB) * 1024 : 0), 0))) : undefined;

  let read = readRange(fd, from, cuts[1]!, false, tally, name, { progress: report });
  mine += cuts[1]! - from;
  let whole = read.offset === cuts[1]! && read.pendingBytes === 0;
  // This thread's part is done: it takes the pieces the workers have not taken yet.
  const taken = parts.map(() => new Map<number, Scanned>());
  if (whole) {
    parts.forEach((part, i) => {
      if (part.job === null) return;
      const last = part.cuts.length - 2;
      for (let k = Atomics.add(part.job.shared, NEXT, 1); k <= last; k = Atomics.add(part.job.shared, NEXT, 1)) {
        const own = emptyTally();
        taken[i]!.set(k, { read: readRange(fd, part.cuts[k]!, part.cuts[k + 1]!, k === last && part.final, own, name, { alignFrom: from, progress: report }), tally: own });
        mine += part.cuts[k + 1]! - part.cuts[k]!;
        splitStats.takenPieces++;
      }
    });
  }
  parts.forEach((part, i) => {
    if (i === 0) return;
    // Every worker is waited for: none may touch the fd after this returns (and it is closed).
    const answer = part.job ? finish(part.job, report ? () => report(0) : undefined) : null;
    // The file shrank under an earlier piece: what one thread would have read ends there too.
    if (!whole) return;
    const scanned = taken[i]!;
    if (answer !== null && 'pieces' in answer) for (const p of answer.pieces) scanned.set(p.piece, { read: p.read, tally: fromWire(p.tally) });
    if (scanned.has(0)) splitStats.workerParts++;
    else splitStats.ownParts++;
    const last = part.cuts.length - 2;
    for (let k = 0; k <= last && whole; k++) {
      const piece = scanned.get(k);
      let r: LogRead;
      if (piece !== undefined) {
        addTally(tally, piece.tally);
        r = piece.read;
      } else {
        // Taken by a worker that failed (or none started): scanned here, in file order.
        r = readRange(fd, part.cuts[k]!, part.cuts[k + 1]!, k === last && part.final, tally, name, { alignFrom: from });
      }
      read = { offset: r.offset, pendingBytes: r.pendingBytes, bytesRead: read.bytesRead + r.bytesRead };
      whole = r.offset === part.cuts[k + 1]! && r.pendingBytes === 0;
    }
  });
  return read;
}

/**
 * [a, c1, …, b]: `n` pieces of [a, b), each cut just after the first newline past an even share
 * (none where a line runs on for CUT_WINDOW bytes, or past b).
 */
function cutPoints(fd: number, a: number, b: number, n: number): number[] {
  const cuts = [a];
  const window = Buffer.allocUnsafe(CUT_WINDOW);
  for (let i = 1; i < n; i++) {
    const at = a + Math.floor(((b - a) * i) / n);
    if (at < cuts[cuts.length - 1]!) continue;
    const cut = lineStartAfter(fd, at, b, window);
    if (cut !== -1) cuts.push(cut);
  }
  cuts.push(b);
  return cuts;
}

/** Just after the first newline at or after `at` (within CUT_WINDOW, before `end`), or -1. */
function lineStartAfter(fd: number, at: number, end: number, window: Buffer): number {
  let looked = 0;
  for (const upTo of [FIRST_WINDOW, CUT_WINDOW]) {
    const n = readSync(fd, window, looked, Math.min(upTo, end - at) - looked, at + looked);
    const nl = window.subarray(looked, looked + n).indexOf(10);
    if (nl !== -1) return at + looked + nl + 1 < end ? at + looked + nl + 1 : -1;
    looked += n;
    if (at + looked >= end || n === 0) return -1;
  }
  return -1;
}

function start(file: string, job: Omit<ScanJob, 'port' | 'shared'>): RunningJob | null {
  const shared = new Int32Array(new SharedArrayBuffer(SHARED_WORDS * 4));
  shared[NEXT] = 1; // the first piece is the worker's own
  const { port1, port2 } = new MessageChannel();
  try {
    const worker = new Worker(file, { workerData: { ...job, port: port2, shared } satisfies ScanJob, transferList: [port2] });
    worker.on('error', () => {}); // its answer (or none) is what counts; an unheard 'error' would end the process
    worker.unref();
    return { worker, port: port1, shared };
  } catch {
    port1.close();
    return null;
  }
}

/** The worker's answer, waited for; null when it did not start in time (then it never will). */
function finish(job: RunningJob, progress?: () => void): ScanAnswer | null {
  const { shared } = job;
  if (Atomics.load(shared, STATE) === WAITING) Atomics.wait(shared, STATE, WAITING, settings.startMs);
  if (Atomics.compareExchange(shared, STATE, WAITING, GIVEN_UP) === WAITING) {
    // It never claimed its part and now never will: it cannot touch the fd.
    job.port.close();
    void job.worker.terminate();
    return null;
  }
  while (Atomics.load(shared, STATE) === CLAIMED) {
    Atomics.wait(shared, STATE, CLAIMED, 250);
    progress?.();
  }
  const message = receiveMessageOnPort(job.port);
  job.port.close();
  return Atomics.load(shared, STATE) === DONE && message ? (message.message as ScanAnswer) : null;
}
