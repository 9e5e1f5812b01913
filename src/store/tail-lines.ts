/** The last lines of a file that only grows (an event log, a journal), read from its end. */
import { closeSync } from 'node:fs';
import { openUntrusted, readRange } from '../observe/untrusted-file.js';

/**
 * Up to the last `maxBytes` of the file as lines (a line cut at the window's start is dropped);
 * [] when absent. Opened without blocking: a FIFO, a directory or a device in its place is an
 * error saying so, never a read that waits for a writer.
 */
export function tailLines(path: string, maxBytes: number): string[] {
  const opened = openUntrusted(path);
  if (!opened.ok) {
    if (opened.missing) return [];
    throw new Error(opened.reason);
  }
  const { fd, stat } = opened.file;
  try {
    const size = stat.size;
    const start = Math.max(0, size - maxBytes);
    const lines = readRange(fd, start, size - start).toString('utf8').split('\n');
    if (start > 0) lines.shift(); // begins mid-line
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  } finally {
    closeSync(fd);
  }
}
