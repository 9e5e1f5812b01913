/** The last records of a journal, read from its end (a journal grows for ever). */
import type { DecisionRecord } from '../engine/record.js';
import { tailLines } from './tail-lines.js';

/** How much of the journal's end is read: enough for the dashboard's 500 records. */
const TAIL_BYTES = 512 * 1024;

export function journalTail(path: string, limit: number): DecisionRecord[] {
  const out: DecisionRecord[] = [];
  for (const line of tailLines(path, TAIL_BYTES)) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as DecisionRecord);
    } catch {
      // A torn last line (a crash mid-append) is journal --verify's business, not the chart's.
    }
  }
  return out.slice(-limit);
}
