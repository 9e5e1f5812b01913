/**
 * Incident bundles (DESIGN §6): on rollback, the evidence an on-call engineer needs, captured
 * before the rollback hooks change anything: each surface's state.json and control state, the
 * event-log lines of the phase, and the decision record. Collected here as named files; the
 * file store writes them into a folder, a database store keeps them in a row.
 */
import { closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { MAX_CONTROL_STATE_BYTES } from '../observe/control-state.js';
import { MAX_STATE_BYTES } from '../observe/state-file.js';
import { openUntrusted, readRange, readUntrusted } from '../observe/untrusted-file.js';
import type { Spec } from '../spec/types.js';
import { CONTROL_STATE_FILE, EVENTS_LOG, STATE_FILE } from '../tau/files.js';

/** More log than this is not copied: the bundle keeps the last part of the phase. */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface IncidentBundle {
  /** Relative path in the bundle (`decision.json`, `<surface>/state.json`, …) -> content. */
  files: Map<string, Buffer>;
}

export function collectIncident(spec: Spec, record: DecisionRecord, before: RolloutState | null, resolveDir: (stateDir: string) => string): IncidentBundle {
  const files = new Map<string, Buffer>();
  files.set('decision.json', Buffer.from(JSON.stringify(record, null, 2) + '\n'));
  const manifest: Record<string, unknown> = { rollout: spec.name, check: record.check, decision: record.decision, reasons: record.reasons, surfaces: {} };
  for (const surface of spec.surfaces) {
    const src = resolveDir(surface.stateDir);
    const copied: string[] = [];
    const notCopied: Record<string, string> = {};
    for (const [name, limit] of [[STATE_FILE, MAX_STATE_BYTES], [CONTROL_STATE_FILE, MAX_CONTROL_STATE_BYTES]] as const) {
      // Read without blocking (a FIFO in the file's place would stall the rollback) and within the reader's limit.
      const read = readUntrusted(join(src, name), limit, name);
      if (read.ok) {
        files.set(`${surface.name}/${name}`, read.bytes);
        copied.push(name);
      } else if (!read.missing) {
        notCopied[name] = `not copied: ${read.reason}`;
      }
    }
    const from = before?.surfaces[surface.name]?.phase_entry_position ?? null;
    const log = phaseLines(join(src, EVENTS_LOG), from);
    if (log.bytes) files.set(`${surface.name}/events-of-phase.jsonl`, log.bytes);
    (manifest.surfaces as Record<string, unknown>)[surface.name] = { state_dir: src, copied, ...(Object.keys(notCopied).length ? { not_copied: notCopied } : {}), events: log.note };
  }
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return { files };
}

/** The live log from where the phase began (same file) or whole (rotated since). */
function phaseLines(src: string, from: { dev: string; ino: string; offset: number } | null): { note: string; bytes: Buffer | null } {
  const opened = openUntrusted(src, EVENTS_LOG);
  if (!opened.ok) return { note: opened.missing ? 'no event log' : `not copied: ${opened.reason}`, bytes: null };
  const { fd } = opened.file;
  try {
    const st = fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const sameFile = from !== null && String(st.dev) === from.dev && String(st.ino) === from.ino && from.offset <= size;
    let start = sameFile ? from.offset : 0;
    const note = sameFile ? `lines appended since the phase began (from byte ${start})` : 'the whole live log (it was rotated or replaced during the phase)';
    if (size - start > MAX_LOG_BYTES) start = size - MAX_LOG_BYTES;
    return { note, bytes: readRange(fd, start, size - start) };
  } finally {
    closeSync(fd);
  }
}
