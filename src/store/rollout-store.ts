/** The files of one rollout in the store (DESIGN §6): `<store>/<rollout name>/…`. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RolloutState } from '../engine/state.js';
import { writeFileAtomic } from './atomic-file.js';
import { StoreError, writeFailure } from './store-error.js';

export class RolloutStore {
  readonly dir: string;

  constructor(storeDir: string, rollout: string) {
    this.dir = join(storeDir, rollout);
  }

  get statePath() { return join(this.dir, 'rollout.json'); }
  get journalPath() { return join(this.dir, 'decisions.jsonl'); }
  get auditPath() { return join(this.dir, 'actions-audit.jsonl'); }
  get lockPath() { return join(this.dir, 'lock'); }
  get incidentsDir() { return join(this.dir, 'incidents'); }
  get hookRecordPath() { return join(this.dir, 'hook-record.json'); }

  ensure(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      throw writeFailure(err, this.dir);
    }
  }

  /** The remembered state, null before the first check; a corrupt file is an error (65), never a fresh start. */
  load(): RolloutState | null {
    if (!existsSync(this.statePath)) return null;
    let state: RolloutState;
    try {
      state = JSON.parse(readFileSync(this.statePath, 'utf8')) as RolloutState;
    } catch (err) {
      throw new StoreError(`${this.statePath} is not valid JSON (${(err as Error).message}); restore it from a backup, or move it aside to start the rollout again`, 65);
    }
    if (state?.schema_version !== 1 || typeof state.phase?.name !== 'string' || typeof state.checks !== 'number') {
      throw new StoreError(`${this.statePath} is not a rollgate rollout state (schema_version 1); restore it, or move it aside to start again`, 65);
    }
    return state;
  }

  save(state: RolloutState): void {
    writeFileAtomic(this.statePath, JSON.stringify(state, null, 2) + '\n');
  }
}
