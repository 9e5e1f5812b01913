/** actions-audit.jsonl: one line per manual action, in the producer's shape (tau-formats §6). */
import { appendFileSync } from 'node:fs';
import { writeFailure } from './store-error.js';

export interface AuditLine {
  schema_version: 1;
  request_id: string;
  action: string;
  actor: string;
  reason: string;
  status: 'accepted';
  timestamp_unix_ms: number;
  control_mode: 'paused' | 'running';
  /** rollgate's extra: which rollout. */
  rollout: string;
}

export function appendAudit(path: string, line: AuditLine): void {
  try {
    appendFileSync(path, JSON.stringify(line) + '\n');
  } catch (err) {
    throw writeFailure(err, path);
  }
}
