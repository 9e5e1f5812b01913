/**
 * A worker thread's side of a split read (split-read.ts): claims its part, scans it with the
 * same readRange a single thread uses, posts the tally, then says DONE. Any error becomes the
 * answer `{ error }`, and the waiting thread scans the part itself.
 */
import { workerData } from 'node:worker_threads';
import { emptyTally } from '../engine/log-tally.js';
import { readRange } from './log-range.js';
import { CLAIMED, DONE, WAITING, toWire, type ScanAnswer, type ScanJob } from './scan-job.js';

const job = workerData as ScanJob;
const { shared, port } = job;
if (Atomics.compareExchange(shared, 0, WAITING, CLAIMED) === WAITING) {
  Atomics.notify(shared, 0);
  let answer: ScanAnswer;
  try {
    const tally = emptyTally();
    const read = readRange(job.fd, job.from, job.to, job.final, tally, job.name, {
      alignFrom: job.alignFrom,
      progress: (done) => Atomics.store(shared, 1, Math.floor(done / 1024)),
    });
    answer = { read, tally: toWire(tally) };
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  try {
    port.postMessage(answer);
  } finally {
    Atomics.store(shared, 0, DONE); // with no message posted, the waiting thread scans the part itself
    Atomics.notify(shared, 0);
  }
}
port.close();
