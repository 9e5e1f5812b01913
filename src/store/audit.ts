/** actions-audit.jsonl: one line per manual action, in the producer's shape (tau-formats §6). */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { writeAll } from './atomic-file.js';
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

/** Appends one line; a torn last line (a crash mid-append) is ended first, so this one stays whole. */
export function appendAudit(path: string, line: AuditLine): void {
  let fd: number;
  try {
    fd = openSync(path, 'a+', 0o644);
  } catch (err) {
    throw writeFailure(err, path);
  }
  try {
    const size = fstatSync(fd).size;
    let torn = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      torn = last[0] !== 10;
    }
    writeAll(fd, Buffer.from((torn ? '\n' : '') + JSON.stringify(line) + '\n'));
  } catch (err) {
    throw writeFailure(err, path);
  } finally {
    closeSync(fd);
  }
}

interface OverrideRecord {
  rollout?: unknown;
  check?: unknown;
  evaluated_unix_ms?: unknown;
  status?: unknown;
  override?: { action?: unknown; actor?: unknown; reason?: unknown } | null;
}

/**
 * The audit line a journaled manual action (a record with `override`) was audited with, derived
 * from the record alone (what `rollgate control` appends after the commit); null for a check.
 */
export function auditLineOf(record: OverrideRecord): AuditLine | null {
  const o = record.override;
  if (!o || typeof o !== 'object' || typeof o.action !== 'string' || typeof record.evaluated_unix_ms !== 'number') return null;
  return {
    schema_version: 1, request_id: `rollgate-action-${record.evaluated_unix_ms}`, action: o.action, actor: String(o.actor ?? ''), reason: String(o.reason ?? ''),
    status: 'accepted', timestamp_unix_ms: record.evaluated_unix_ms, control_mode: record.status === 'paused' ? 'paused' : 'running', rollout: String(record.rollout ?? ''),
  };
}

/** The audit lines that parse (a torn or garbled line is skipped). */
export function readAuditLines(path: string): Partial<AuditLine>[] {
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: Partial<AuditLine>[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const v = JSON.parse(raw) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Partial<AuditLine>);
    } catch {
      // a torn line of a crash mid-append
    }
  }
  return out;
}

/** Is the action audited? The same request_id, or the same instant and action. */
export function hasAuditLine(lines: Partial<AuditLine>[], wanted: AuditLine): boolean {
  return lines.some((l) => l.request_id === wanted.request_id || (l.timestamp_unix_ms === wanted.timestamp_unix_ms && l.action === wanted.action));
}
