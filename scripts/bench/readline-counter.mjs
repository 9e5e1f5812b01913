// What a user would write without rollgate: readline + JSON.parse on every line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let failed = 0;
let valid = 0;
let invalid = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  try {
    const o = JSON.parse(line);
    valid++;
    if (Array.isArray(o.reason_codes) && o.reason_codes.includes('case_processing_failed')) failed++;
  } catch {
    invalid++;
  }
}
console.log(JSON.stringify({ failed, valid, invalid }));
