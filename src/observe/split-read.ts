/**
 * A large read (a first check over a big log) split across threads: the range is cut at line
 * starts into one part per core (at most MAX_PARTS); worker threads scan the later parts on the
 * same fd (positional reads share nothing) while this thread scans the first, then the
 * tallies are added in file order. Counting is per line and the cuts fall between lines, so the
 * sum is what one thread would count: test/observe/split-read.test.ts holds it to that.
 *
 * The call stays synchronous: this thread waits for each worker with Atomics.wait and takes its
 * answer with receiveMessageOnPort. Whatever goes wrong on a worker's side (it cannot start in
 * time, its file is missing, its read throws) ends with this thread scanning that part itself,
 * so a failure costs time, never a different answer.
 */
import { existsSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { addTally, type LogTally } from '../engine/log-tally.js';
import { readRange, type LogRead } from './log-range.js';
import { CLAIMED, DONE, GIVEN_UP, WAITING, fromWire, type ScanJob, type ScanAnswer } from './scan-job.js';

/** Below this many bytes a read stays on one thread: a worker costs ~30 ms to start. */
const SPLIT_FROM_BYTES = 64 * 1024 * 1024;
const MAX_PARTS = 4;
/** How far past a cut point a newline is looked for; a longer line there means one cut fewer. */
const CUT_WINDOW = 1024 * 1024;
/** How long a worker may take to start, counted from when this thread is done with its own part. */
const START_MS = 2000;

interface SplitSettings {
  fromBytes: number;
  parts: number;
  /** The worker's entry; null: found beside this module. */
  worker: string | null;
  startMs: number;
}

const defaults = (): SplitSettings => ({ fromBytes: SPLIT_FROM_BYTES, parts: partsFromEnv(), worker: null, startMs: START_MS });
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

/** What the split reads since the process started did: for tests, which must see the worker path taken. */
export const splitStats = { reads: 0, workerParts: 0, ownParts: 0 };

/** The worker's entry beside this module: .cjs in the bundle, .js in the compiled library. */
function workerFile(): string | null {
  if (settings.worker !== null) return settings.worker;
  const here = import.meta.url;
  if (!here.startsWith('file:')) return null;
  const file = fileURLToPath(new URL(here.endsWith('.cjs') ? './scan-worker.cjs' : './scan-worker.js', here));
  return existsSync(file) ? file : null; // running from sources (tests): no worker, one thread
}

interface Part {
  from: number;
  to: number;
  final: boolean;
  job: RunningJob | null;
}

interface RunningJob {
  worker: Worker;
  port: MessagePort;
  shared: Int32Array;
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
  for (let i = 0; i + 1 < cuts.length; i++) parts.push({ from: cuts[i]!, to: cuts[i + 1]!, final: i + 2 === cuts.length && final, job: null });
  for (const part of parts.slice(1)) part.job = start(file, { fd, from: part.from, to: part.to, final: part.final, name, alignFrom: from });
  const done = () => parts.reduce((sum, p) => sum + (p.job ? Atomics.load(p.job.shared, 1) * 1024 : 0), 0);
  const report = progress ? (mine: number) => progress(Math.min(size - from, mine + done())) : undefined;

  let read = readRange(fd, from, parts[0]!.to, false, tally, name, { progress: report });
  let whole = read.offset === parts[0]!.to && read.pendingBytes === 0;
  for (const part of parts.slice(1)) {
    // Every worker is waited for: none may touch the fd after this returns (and it is closed).
    const answer = part.job ? finish(part.job, report ? () => report(parts[0]!.to - from) : undefined) : null;
    // The file shrank under an earlier part: what one thread would have read ends there too.
    if (!whole) continue;
    let r: LogRead;
    if (answer !== null && 'read' in answer) {
      addTally(tally, fromWire(answer.tally));
      r = answer.read;
      splitStats.workerParts++;
    } else {
      r = readRange(fd, part.from, part.to, part.final, tally, name, { alignFrom: from });
      splitStats.ownParts++;
    }
    read = { offset: r.offset, pendingBytes: r.pendingBytes, bytesRead: read.bytesRead + r.bytesRead };
    whole = r.offset === part.to && r.pendingBytes === 0;
  }
  return read;
}

/** [from, c1, …, size]: each cut just after the first newline past an even share (none where a line runs on). */
function cutPoints(fd: number, from: number, size: number, parts: number): number[] {
  const cuts = [from];
  const window = Buffer.allocUnsafe(CUT_WINDOW);
  for (let i = 1; i < parts; i++) {
    const at = from + Math.floor(((size - from) * i) / parts);
    if (at < cuts[cuts.length - 1]!) continue;
    const n = readSync(fd, window, 0, Math.min(CUT_WINDOW, size - at), at);
    const nl = window.subarray(0, n).indexOf(10);
    if (nl !== -1 && at + nl + 1 < size) cuts.push(at + nl + 1);
  }
  cuts.push(size);
  return cuts;
}

function start(file: string, job: Omit<ScanJob, 'port' | 'shared'>): RunningJob | null {
  const shared = new Int32Array(new SharedArrayBuffer(8));
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
  if (Atomics.load(shared, 0) === WAITING) Atomics.wait(shared, 0, WAITING, settings.startMs);
  if (Atomics.compareExchange(shared, 0, WAITING, GIVEN_UP) === WAITING) {
    // It never claimed its part and now never will: it cannot touch the fd.
    job.port.close();
    void job.worker.terminate();
    return null;
  }
  while (Atomics.load(shared, 0) === CLAIMED) {
    Atomics.wait(shared, 0, CLAIMED, 250);
    progress?.();
  }
  const message = receiveMessageOnPort(job.port);
  job.port.close();
  return Atomics.load(shared, 0) === DONE && message ? (message.message as ScanAnswer) : null;
}
