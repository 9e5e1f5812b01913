/** The last lines of a file that only grows (an event log, a journal), read from its end. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Up to the last `maxBytes` of the file as lines (a line cut at the window's start is dropped); [] when absent. */
export function tailLines(path: string, maxBytes: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // begins mid-line
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  } finally {
    closeSync(fd);
  }
}
