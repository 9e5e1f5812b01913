/** What every `rollgate test` format says the same way. */
import { bothWays, sides, type CoverageItem, type SpecCoverage } from '../../spec-test/coverage.js';
import type { TestRun } from '../../spec-test/run-tests.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `15 cases: 14 passed, 1 failed; 1 test file invalid; coverage 28/28 both ways` */
export function summaryLine(run: TestRun): string {
  const s = run.summary;
  const parts = [`${plural(s.cases, 'case')}: ${s.passed} passed, ${s.failed} failed`];
  if (s.invalid) parts.push(`${plural(s.invalid, 'test file')} invalid`);
  if (s.missing) parts.push(`${plural(s.missing, 'test file')} or spec missing`);
  const items = run.coverage.flatMap((c) => c.items);
  if (items.length) parts.push(`coverage ${items.filter(bothWays).length}/${items.length} gates and triggers both ways`);
  return parts.join('; ');
}


export const itemLabel = (item: CoverageItem) => (item.kind === 'gate' ? `gate ${item.phase}/${item.name}` : `trigger ${item.name}`);

/** What a coverage gap lacks, in words: `no case makes it fail`. */
export function gapOf(item: CoverageItem): string {
  const [pos, neg] = sides(item);
  const missing = [item.positive.length ? null : pos, item.negative.length ? null : neg].filter((x) => x !== null);
  return `no case makes it ${missing.join(' or ')}`;
}

export const gaps = (c: SpecCoverage) => c.items.filter((i) => !bothWays(i));
