// Writes test/durations.json (seconds per test file, slowest first) from a vitest JSON report,
// for the sequencer in test/helpers/slowest-first.ts:
//   npx vitest run --reporter=json --outputFile=/tmp/vitest.json && node scripts/dev/test-durations.mjs /tmp/vitest.json
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const report = process.argv[2];
if (!report) {
  process.stderr.write('usage: node scripts/dev/test-durations.mjs VITEST-JSON-REPORT\n');
  process.exit(64);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const rows = testResults
  .map((t) => [relative(root, t.name), Math.round((t.endTime - t.startTime) / 100) / 10])
  .sort((a, b) => b[1] - a[1]);
writeFileSync(new URL('../../test/durations.json', import.meta.url), JSON.stringify(Object.fromEntries(rows), null, 1) + '\n');
process.stdout.write(`wrote test/durations.json: ${rows.length} files, ${rows.reduce((s, r) => s + r[1], 0).toFixed(0)} s in all\n`);
