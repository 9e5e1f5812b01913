/** The file store's side of `store copy`: `<store>/<rollout>/` read and written as a RolloutArchive. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isoOf } from '../time/instant.js';
import { fsyncDir } from './atomic-file.js';
import { RolloutFolder } from './file-rollout-store.js';
import { writeBundle } from './incident.js';
import { makeDirs } from './make-dirs.js';
import type { ArchiveStore, RolloutArchive } from './rollout-archive.js';
import { StoreError, writeFailure } from './store-error.js';

export function fileArchive(storeDir: string): ArchiveStore {
  return {
    location: storeDir,
    async rollouts() {
      if (!existsSync(storeDir)) return [];
      return readdirSync(storeDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && ['rollout.json', 'decisions.jsonl'].some((f) => existsSync(join(storeDir, e.name, f))))
        .map((e) => e.name)
        .sort();
    },
    async read(rollout) {
      const folder = new RolloutFolder(storeDir, rollout);
      const text = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
      const incidents: RolloutArchive['incidents'] = [];
      if (existsSync(folder.incidentsDir)) {
        for (const name of readdirSync(folder.incidentsDir).sort()) {
          const dir = join(folder.incidentsDir, name);
          const files = new Map<string, Buffer>();
          const walk = (at: string) => {
            for (const e of readdirSync(at, { withFileTypes: true })) {
              if (e.isDirectory()) walk(join(at, e.name));
              else files.set(relative(dir, join(at, e.name)), readFileSync(join(at, e.name)));
            }
          };
          walk(dir);
          const decision = files.get('decision.json');
          const parsed = decision ? (JSON.parse(decision.toString('utf8')) as { check?: number; evaluated_unix_ms?: number }) : {};
          incidents.push({ check: parsed.check ?? 0, createdMs: parsed.evaluated_unix_ms ?? statSync(dir).mtimeMs, files });
        }
      }
      return {
        rollout,
        state: text(folder.statePath),
        journal: text(folder.journalPath) ?? '',
        audit: (text(folder.auditPath) ?? '').split('\n').filter((l) => l.trim() !== ''),
        incidents,
      };
    },
    async write(archive) {
      const folder = new RolloutFolder(storeDir, archive.rollout);
      if (existsSync(folder.journalPath) || existsSync(folder.statePath)) throw new StoreError(`${folder.dir} already holds rollout ${archive.rollout}; copy into a store that does not (nothing was written)`, 64);
      try {
        folder.ensure();
        writeFileSync(folder.journalPath, archive.journal);
        if (archive.audit.length) writeFileSync(folder.auditPath, archive.audit.map((l) => l + '\n').join(''));
        for (const incident of archive.incidents) {
          const dir = join(folder.incidentsDir, isoOf(incident.createdMs).replace(/:/g, '-'));
          makeDirs(dir);
          writeBundle(dir, incident);
        }
        // The state last: a copy interrupted before it is a journal without its state, which
        // journal --verify reports, never a state without its history.
        if (archive.state !== null) writeFileSync(folder.statePath, archive.state);
        fsyncDir(folder.dir);
      } catch (err) {
        throw err instanceof StoreError ? err : writeFailure(err, folder.dir);
      }
    },
    close: async () => {},
  };
}
