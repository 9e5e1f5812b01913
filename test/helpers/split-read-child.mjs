// Runs readLogFd of the compiled library (dist/) over the cases a test describes, once on one
// thread and once split across worker threads, and prints both answers as JSON: a worker
// thread needs compiled code, so split reads are tested in a child process of the built tree.
//   node split-read-child.mjs ROOT CASES.json   (CASES: [{ path, from, final, knownSize?, parts, worker?, startMs?, pieceBytes?, before? }])
import { closeSync, openSync, readFileSync } from 'node:fs';

const [root, casesFile] = process.argv.slice(2);
const { readLogFd } = await import(`${root}dist/observe/log-reader.js`);
const { configureSplit, splitStats } = await import(`${root}dist/observe/split-read.js`);
const { emptyTally, noteDoubt, countCodes } = await import(`${root}dist/engine/log-tally.js`);
const { forgetShapes } = await import(`${root}dist/observe/line-scanner.js`);

/** A tally as a check may hold it before this read: counts, codes and a doubt already there. */
function startTally(before) {
  const t = emptyTally();
  if (before) {
    t.cycles = 7;
    t.invalid = 2;
    countCodes(t.codes, ['healthy_cycle', 'case_processing_failed']);
    noteDoubt(t, 'suspect', 'earlier: a doubt before this read');
  }
  return t;
}

function read(c, split) {
  forgetShapes();
  configureSplit(split ? { fromBytes: 0, parts: c.parts, ...(c.worker ? { worker: c.worker } : {}), ...(c.startMs ? { startMs: c.startMs } : {}), ...(c.pieceBytes ? { pieceBytes: c.pieceBytes } : {}) } : { parts: 1 });
  const before = { ...splitStats };
  const tally = startTally(c.before);
  const fd = openSync(c.path, 'r');
  try {
    const r = readLogFd(fd, c.from, c.final, tally, c.knownSize);
    const codes = Object.fromEntries(Object.entries(tally.codes).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      read: r,
      tally: { ...tally, codes },
      codesPrototype: Object.getPrototypeOf(tally.codes) === null ? 'null' : 'object',
      stats: { reads: splitStats.reads - before.reads, workerParts: splitStats.workerParts - before.workerParts, ownParts: splitStats.ownParts - before.ownParts, takenPieces: splitStats.takenPieces - before.takenPieces },
    };
  } finally {
    closeSync(fd);
  }
}

const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
process.stdout.write(JSON.stringify(cases.map((c) => ({ one: read(c, false), split: read(c, true) }))));
