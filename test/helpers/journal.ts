/** The store's append (journal.ts) as one call: open, append, close. */
import { closeSync } from 'node:fs';
import { appendRecordToAsync, openJournalAsync, type Appended } from '../../src/store/journal.js';

export async function appendRecord(path: string, record: object): Promise<Appended> {
  const fd = await openJournalAsync(path);
  try {
    return await appendRecordToAsync(fd, path, record);
  } finally {
    closeSync(fd);
  }
}
