/** The edge: reads one state directory (state, control state, event log from a cursor). */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { readControlState } from './control-state.js';
import { CONTROL_STATE_FILE } from '../tau/files.js';
import { RUNNING, type ControlState } from '../engine/observations.js';
import { advanceCursor, newCursor, type CursorAdvance } from './event-cursor.js';
import { EVENTS_LOG } from '../tau/files.js';
import { type EventCursor } from '../engine/observations.js';
import { emptyTally } from '../engine/log-tally.js';
import { readStateFile } from './state-file.js';
import { STATE_FILE } from '../tau/files.js';
import { type StateRead } from '../engine/observations.js';
import { describeOpenError, scratchEpoch } from './untrusted-file.js';
import { fileIn } from './paths.js';
import { DirListing } from './dir-listing.js';

export interface SurfaceFiles {
  state: StateRead;
  control: ControlState;
  events: CursorAdvance;
}

/**
 * Never throws: a state directory that is a symlink loop, denied, or not a directory, and
 * files of the wrong kind, are reads that failed, each with its sentence (the surface holds).
 */
export function readSurfaceFiles(stateDir: string, cursor: EventCursor | null): SurfaceFiles {
  const listing = new DirListing(stateDir);
  const events = readEvents(stateDir, cursor, listing);
  // Listed by the cursor (a first check, a rotation): which files exist and which are symlinks is known.
  const listed = listing.ifListed();
  const outside = listed ? scanLinks(stateDir, (name) => listed.get(name) === true) : linksOutside(stateDir);
  return {
    state: readStateFile(fileIn(stateDir, STATE_FILE)),
    control: listed && !listed.has(CONTROL_STATE_FILE) ? { ...RUNNING } : readControlState(fileIn(stateDir, CONTROL_STATE_FILE)),
    events: outside.length ? { ...events, notes: [...events.notes, ...outside] } : events,
  };
}

/** The event log from the cursor; a read that throws keeps the cursor for the next check. */
function readEvents(stateDir: string, cursor: EventCursor | null, listing: DirListing): CursorAdvance {
  try {
    return advanceCursor(stateDir, cursor, listing);
  } catch (err) {
    const { reason } = describeOpenError(EVENTS_LOG, err);
    return { cursor: cursor ?? newCursor(), read: emptyTally(), logPresent: false, notes: [`${reason}; the cursor is kept for the next check`], bytesRead: 0, pendingBytes: 0, unsettled: `the event log could not be read at this check (${reason}); the cursor is kept for the next check` };
  }
}

/**
 * The last answer per directory, with the directory's identity and mtime: a file can only turn
 * into a symlink by changing the directory's entries (which changes its mtime), so one stat of
 * the directory stands for three lstats on most checks of a long-running process; in a tree
 * whose one writer says nothing was created, removed or renamed since (scratchEpoch), not even that.
 */
const linkCache = new Map<string, { key: string; notes: string[]; epoch: number | null }>();

/**
 * Files of the state directory that are symlinks leading out of it: read like any file (a
 * deployment may link them on purpose), but said in the record, since whoever can write the
 * target can now feed this rollout.
 */
function linksOutside(stateDir: string): string[] {
  const quiet = scratchEpoch();
  const known = linkCache.get(stateDir);
  if (known && quiet !== null && known.epoch === quiet) return known.notes; // no entry changed since
  let key = '';
  try {
    const dir = statSync(stateDir, { throwIfNoEntry: false });
    if (dir) key = `${dir.dev}:${dir.ino}:${dir.mtimeMs}:${dir.ctimeMs}`;
  } catch {
    // ELOOP, EACCES, ENOTDIR: the files cannot be read either, and their readers say why.
    return [];
  }
  if (known && known.key === key) {
    known.epoch = quiet;
    return known.notes;
  }
  const notes = scanLinks(stateDir, (name) => lstatSync(join(stateDir, name), { throwIfNoEntry: false })?.isSymbolicLink() === true);
  if (linkCache.size > 1000) linkCache.clear();
  linkCache.set(stateDir, { key, notes, epoch: quiet });
  return notes;
}

/** `isLink(name)`: whether the directory's entry of that name is a symlink (it may throw). */
function scanLinks(stateDir: string, isLink: (name: string) => boolean): string[] {
  const notes: string[] = [];
  for (const name of [STATE_FILE, CONTROL_STATE_FILE, EVENTS_LOG]) {
    try {
      // Paths are made and resolved only for an actual symlink.
      if (!isLink(name)) continue;
      const path = join(stateDir, name);
      const target = realpathSync(path);
      const rel = relative(realpathSync(stateDir), target);
      if (rel.startsWith('..') || isAbsolute(rel)) notes.push(`${path} is a symlink to ${target}, outside its state directory; it was read, but check who can write it`);
    } catch {
      // A dangling link or a loop: the readers report the file as missing or unreadable.
    }
  }
  return notes;
}
