/** The edge: reads one state directory (state, control state, event log from a cursor). */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { CONTROL_STATE_FILE, readControlState, type ControlState } from './control-state.js';
import { advanceCursor, EVENTS_LOG, type CursorAdvance, type EventCursor } from './event-cursor.js';
import { readStateFile, STATE_FILE, type StateRead } from './state-file.js';

export interface SurfaceFiles {
  state: StateRead;
  control: ControlState;
  events: CursorAdvance;
}

export function readSurfaceFiles(stateDir: string, cursor: EventCursor | null): SurfaceFiles {
  const events = advanceCursor(stateDir, cursor);
  const outside = linksOutside(stateDir);
  return {
    state: readStateFile(join(stateDir, STATE_FILE)),
    control: readControlState(join(stateDir, CONTROL_STATE_FILE)),
    events: outside.length ? { ...events, notes: [...events.notes, ...outside] } : events,
  };
}

/**
 * The last answer per directory, with the directory's identity and mtime: a file can only turn
 * into a symlink by changing the directory's entries (which changes its mtime), so one stat of
 * the directory stands for three lstats on most checks of a long-running process.
 */
const linkCache = new Map<string, { key: string; notes: string[] }>();

/**
 * Files of the state directory that are symlinks leading out of it: read like any file (a
 * deployment may link them on purpose), but said in the record, since whoever can write the
 * target can now feed this rollout.
 */
function linksOutside(stateDir: string): string[] {
  const dir = statSync(stateDir, { throwIfNoEntry: false });
  const key = dir ? `${dir.dev}:${dir.ino}:${dir.mtimeMs}:${dir.ctimeMs}` : '';
  const cached = linkCache.get(stateDir);
  if (cached && cached.key === key) return cached.notes;
  const notes = scanLinks(stateDir);
  if (linkCache.size > 1000) linkCache.clear();
  linkCache.set(stateDir, { key, notes });
  return notes;
}

function scanLinks(stateDir: string): string[] {
  const notes: string[] = [];
  for (const name of [STATE_FILE, CONTROL_STATE_FILE, EVENTS_LOG]) {
    const path = join(stateDir, name);
    // Paths are resolved only for an actual symlink.
    if (!lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) continue;
    try {
      const target = realpathSync(path);
      const rel = relative(realpathSync(stateDir), target);
      if (rel.startsWith('..') || isAbsolute(rel)) notes.push(`${path} is a symlink to ${target}, outside its state directory; it was read, but check who can write it`);
    } catch {
      // A dangling link: the readers report the file as missing.
    }
  }
  return notes;
}
