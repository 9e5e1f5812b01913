/**
 * `rollgate store copy --from A --to B`: every rollout (or the named ones) moved with its whole
 * history. The source's chain is verified first (a broken one is not copied: 65); what is
 * written is read back and must be the same text, so the chain verifies on both sides.
 */
import { verifyJournalText } from './journal.js';
import type { ArchiveStore } from './rollout-archive.js';
import { StoreError } from './store-error.js';

export async function copyStore(from: ArchiveStore, to: ArchiveStore, only: readonly string[] = []): Promise<string[]> {
  const all = await from.rollouts();
  const missing = only.filter((r) => !all.includes(r));
  if (missing.length) throw new StoreError(`${from.location} holds no rollout ${missing.join(', ')} (it holds ${all.join(', ') || 'none'})`, 64);
  const names = only.length ? [...only] : all;
  const lines: string[] = [];
  for (const rollout of names) {
    const archive = await from.read(rollout);
    const chain = verifyJournalText(archive.journal);
    if (!chain.ok) throw new StoreError(`${from.location}: the journal of ${rollout} is broken at record ${chain.broken!.line} (${chain.broken!.problem}); nothing of it was copied`, 65);
    await to.write(archive);
    const back = await to.read(rollout);
    if (back.journal !== archive.journal || back.state !== archive.state) throw new StoreError(`${to.location}: rollout ${rollout} reads back differently from what was written; check the destination`, 73);
    lines.push(`${rollout}: ${chain.entries.length} record${chain.entries.length === 1 ? '' : 's'}, ${archive.state === null ? 'no state' : 'the state'}, ${archive.audit.length} audit line${archive.audit.length === 1 ? '' : 's'}, ${archive.incidents.length} incident${archive.incidents.length === 1 ? '' : 's'} copied from ${from.location} to ${to.location}; the hash chain verifies on both`);
  }
  if (names.length === 0) lines.push(`${from.location} holds no rollout: nothing to copy`);
  return lines;
}
