/** The RolloutStore of the file layout (`<store>/<rollout>/`, file-rollout-store.ts), the embedded default. */
import { relative } from 'node:path';
import { appendAudit } from './audit.js';
import { RolloutFolder } from './file-rollout-store.js';
import { faultPoint } from './fault.js';
import { writeIncident } from './incident.js';
import { acquireLockAsync } from './lock.js';
import { journalTail } from './journal-tail.js';
import { checkJournal } from './journal-check.js';
import type { RolloutStore } from './rollout-store.js';

export function fileStore(storeDir: string, rollout: string): RolloutStore & { folder: RolloutFolder } {
  const folder = new RolloutFolder(storeDir, rollout);
  return {
    folder,
    rollout,
    location: folder.dir,
    journalLocation: folder.journalPath,
    hookRecordPath: folder.hookRecordPath,
    async lock() {
      await folder.ensureAsync();
      // The lock's age is wall-clock time, never --now: a check replaying the past must not look
      // like an hour-old lock to a check running now (and be taken over while it is alive).
      const lock = await acquireLockAsync(folder.lockPath);
      faultPoint('holding-lock');
      return { recovered: lock.recovered, release: async () => lock.release() };
    },
    recover: async () => folder.recover(),
    load: async () => folder.load(),
    save: async (state) => folder.save(state),
    commit: async (next, record, meanwhile) => ({ repaired: (await folder.commitAsync(next, record, meanwhile)).repaired ?? null }),
    async audit(line) {
      folder.ensure();
      appendAudit(folder.auditPath, line);
    },
    async writeIncident(spec, record, before, resolveDir) {
      const dir = writeIncident(folder.incidentsDir, spec, record, before, resolveDir);
      return `incident bundle written to ${relative(folder.dir, dir)} in the rollout's store folder`;
    },
    history: async (limit) => journalTail(folder.journalPath, limit),
    verify: async () => checkJournal(folder),
    close: async () => {},
  };
}
