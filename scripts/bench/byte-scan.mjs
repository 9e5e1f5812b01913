// The physical ceiling of a Node process reading a log: read it in 4 MiB blocks and count the
// newlines with Buffer.indexOf (no decoding, no parsing). Prints the line count.
import { closeSync, openSync, readSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
const buf = Buffer.allocUnsafe(4 << 20);
let lines = 0;
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  let i = buf.indexOf(10, 0);
  while (i !== -1 && i < n) {
    lines++;
    i = buf.indexOf(10, i + 1);
  }
}
closeSync(fd);
console.log(lines);
