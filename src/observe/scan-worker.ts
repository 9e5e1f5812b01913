/**
 * A worker thread's side of a split read (split-read.ts): claims its part, scans its first
 * piece, then the pieces left in the shared counter (the thread that started it takes them too
 * once its own part is done), with the same readRange a single thread uses; posts each piece's
 * tally, then says DONE. Any error becomes the answer `{ error }`, and the waiting thread scans
 * the pieces this worker took itself.
 */
import { workerData } from 'node:worker_threads';
import { emptyTally } from '../engine/log-tally.js';
import { readRange } from './log-range.js';
import { CLAIMED, DONE, KIB, NEXT, STATE, WAITING, toWire, type PieceAnswer, type ScanAnswer, type ScanJob } from './scan-job.js';

const job = workerData as ScanJob;
const { shared, port, cuts } = job;
if (Atomics.compareExchange(shared, STATE, WAITING, CLAIMED) === WAITING) {
  Atomics.notify(shared, STATE);
  let answer: ScanAnswer;
  try {
    const pieces: PieceAnswer[] = [];
    const last = cuts.length - 2;
    let before = 0; // bytes of the pieces scanned already (progress)
    for (let k = 0; k <= last; k = Atomics.add(shared, NEXT, 1)) {
      const tally = emptyTally();
      const read = readRange(job.fd, cuts[k]!, cuts[k + 1]!, k === last && job.final, tally, job.name, {
        alignFrom: job.alignFrom,
        progress: (done) => Atomics.store(shared, KIB, Math.floor((before + done) / 1024)),
      });
      before += cuts[k + 1]! - cuts[k]!;
      Atomics.store(shared, KIB, Math.floor(before / 1024));
      pieces.push({ piece: k, read, tally: toWire(tally) });
    }
    answer = { pieces };
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  try {
    port.postMessage(answer);
  } finally {
    Atomics.store(shared, STATE, DONE); // with no message posted, the waiting thread scans the pieces itself
    Atomics.notify(shared, STATE);
  }
}
port.close();
