/**
 * Reads one log file from a byte offset to its end, counting complete lines (log-range.ts says
 * how). A large read, the first check over a big log, is split across the cores
 * (split-read.ts); the answer is the same either way.
 */
import { closeSync, fstatSync } from 'node:fs';
import { basename } from 'node:path';
import { noteDoubt, type LogTally } from '../engine/log-tally.js';
import { readRange, type LogRead, type Prefetched } from './log-range.js';
import { readSplit } from './split-read.js';
import { openUntrusted } from './untrusted-file.js';

export { MAX_LINE_BYTES, type LogRead } from './log-range.js';

/** Below this many bytes to read, no progress is reported (a routine check reads kilobytes). */
const PROGRESS_FROM_BYTES = 32 * 1024 * 1024;
let progress: ((name: string, done: number, total: number) => void) | null = null;

/** A terminal's progress line for long scans (a first check over a large log); null: none. */
export function onScanProgress(report: ((name: string, done: number, total: number) => void) | null): void {
  progress = report;
}

/**
 * Reads fd from `from` to its end (`knownSize`, or its current size), counting into `tally`;
 * `name` (the file's name) says where a suspect line is. `final`: the file gets no more lines
 * (rotated), so a last line without its newline counts. `prefetched`: bytes of it this check
 * has already read (the event cursor reads the appended bytes with the tail before them).
 */
export function readLogFd(fd: number, from: number, final: boolean, tally: LogTally, knownSize?: number, name = 'runtime-events.jsonl', prefetched?: Prefetched): LogRead {
  const size = knownSize ?? fstatSync(fd).size;
  const report = progress;
  const onProgress = report !== null && size - from >= PROGRESS_FROM_BYTES ? (done: number) => report(name, done, size - from) : undefined;
  return readSplit(fd, from, size, final, tally, name, onProgress) ?? readRange(fd, from, size, final, tally, name, { progress: onProgress, ...(prefetched ? { prefetched } : {}) });
}

/**
 * Reads a log file by path without blocking or throwing: a missing file reads as empty; one
 * that cannot be read (a FIFO, a directory, no permission) counts as lost, with its sentence.
 */
export function readLogFile(path: string, from: number, final: boolean, tally: LogTally): LogRead {
  const name = basename(path);
  const opened = openUntrusted(path, name);
  if (!opened.ok) {
    if (!opened.missing) noteDoubt(tally, 'lost', `${opened.reason}: its lines cannot be read and may be lost`);
    return { offset: from, pendingBytes: 0, bytesRead: 0 };
  }
  try {
    return readLogFd(opened.file.fd, from, final, tally, opened.file.stat.size, name);
  } finally {
    closeSync(opened.file.fd);
  }
}
