// rollgate's full scan of a state directory's event log, as a separate process (so its peak
// memory is its own): prints the counts, the in-process scan time and the peak RSS.
import { advanceCursor } from '../../dist/observe/event-cursor.js';

const t0 = performance.now();
const { cursor, bytesRead } = advanceCursor(process.argv[2], null);
const ms = performance.now() - t0;
console.log(JSON.stringify({
  failed: cursor.tally.codes.case_processing_failed ?? 0,
  valid: cursor.tally.cycles,
  invalid: cursor.tally.invalid,
  scanMs: ms,
  bytesRead,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
}));
