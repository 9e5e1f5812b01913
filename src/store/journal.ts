/**
 * decisions.jsonl: append-only, one decision record per line, each chained to the previous
 * by `prev_hash` and `hash` (sha256 of the previous hash and the record), so an edited,
 * reordered or removed record is detected.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { instantProblem } from '../time/instant.js';
import { recordJsonBytes } from './record-json.js';
import { fsyncAsync, openAsync, writeAllAsync } from './async-fs.js';
import { writeAll } from './atomic-file.js';
import { faultPoint } from './fault.js';
import { writeFailure } from './store-error.js';

export const GENESIS = 'sha256:' + '0'.repeat(64);

export function recordHash(prevHash: string, record: unknown): string {
  return 'sha256:' + createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(record)).digest('hex');
}

/** A record as the journal keeps it: chained to the previous hash (one line, no newline). */
export function chainedLine(prevHash: string, record: object): { line: string; hash: string } {
  const hash = recordHash(prevHash, record);
  return { line: JSON.stringify({ ...record, prev_hash: prevHash, hash }), hash };
}

/**
 * chainedLine's bytes with the newline, the record's JSON written once, straight into a buffer
 * with room for the two fields (store/record-json.ts): a wide check's record is megabytes, and
 * stringifying and encoding it was most of a commit. The bytes are those of chainedLine (the
 * fields are appended after the record's own).
 */
export function chainedBytes(prevHash: string, record: object): { bytes: Buffer; hash: string } {
  return sealed(unsealedLine(prevHash, record));
}

/**
 * A record's line before its hash: the record's JSON in `buf[0, length)` with room after it for
 * the chain fields, or (where appending is not what the spread would give: fields already there,
 * a toJSON, not plain data) chainedLine's bytes, already whole.
 */
type UnsealedLine = { prevHash: string; buf: Buffer; length: number } | { bytes: Buffer; hash: string };

function unsealedLine(prevHash: string, record: object): UnsealedLine {
  const made = 'prev_hash' in record || 'hash' in record ? null : recordJsonBytes(record, TAIL_ROOM);
  if (made === null || made.length < 2 || made.buf[0] !== 0x7b) {
    const { line, hash } = chainedLine(prevHash, record);
    return { bytes: Buffer.from(line + '\n'), hash };
  }
  return { prevHash, buf: made.buf, length: made.length };
}

/** The whole line: the record's JSON hashed, its closing brace overwritten by the fields and a brace of their own. */
function sealed(line: UnsealedLine): { bytes: Buffer; hash: string } {
  if ('bytes' in line) return line;
  const { prevHash, buf, length } = line;
  const hash = 'sha256:' + createHash('sha256').update(prevHash).update('\n').update(buf.subarray(0, length)).digest('hex');
  const tail = `${length === 2 ? '' : ','}"prev_hash":${JSON.stringify(prevHash)},"hash":${JSON.stringify(hash)}}\n`;
  if (Buffer.byteLength(tail) > buf.length - (length - 1)) return { bytes: Buffer.concat([buf.subarray(0, length - 1), Buffer.from(tail)]), hash };
  return { bytes: buf.subarray(0, length - 1 + buf.write(tail, length - 1, 'utf8')), hash };
}

/** Room for `,"prev_hash":"sha256:…","hash":"sha256:…"}` and the newline (a longer prev_hash gets a copy). */
const TAIL_ROOM = 192;

export interface Appended {
  hash: string;
  /** Set when a torn last line (a crash mid-append) was cut off first. */
  repaired: string | null;
}

/**
 * Opens the journal for appending, creating it on the first check, with the open (which may then
 * wait on the disk) off the main thread. A commit opens it before it stages the state, so that
 * the staging's directory fsync also makes a new journal's name durable (file-rollout-store.ts).
 */
export async function openJournalAsync(path: string): Promise<number> {
  try {
    return await openAsync(path, JOURNAL_FLAGS, 0o644);
  } catch (err) {
    throw writeFailure(err, path);
  }
}

/**
 * Appends one record to a journal opened by openJournalAsync (the caller closes it), its fsync
 * off the main thread; a torn last line left by a crash is removed first, and said.
 */
export async function appendRecordToAsync(fd: number, path: string, record: object): Promise<Appended> {
  return appendPreparedAsync(fd, path, prepareAppend(fd, path, record));
}

/** From this size a line's write overlaps its hash; below it, the thread-pool round trip costs more than it saves. */
const WRITE_WHILE_HASHING = 256 * 1024;

/** A record ready to append: its line (hashed as it is written), where it goes, and what was repaired. */
export interface PreparedAppend {
  line: UnsealedLine;
  at: number;
  repaired: string | null;
}

/**
 * The first half of appendRecordToAsync: the record's bytes and where they go, nothing written
 * but a torn last line cut off. A commit makes them while its staged state waits on the disk.
 */
export function prepareAppend(fd: number, path: string, record: object): PreparedAppend {
  try {
    const { lastLine, end, torn } = tail(fd);
    let repaired: string | null = null;
    if (torn !== null) {
      ftruncateSync(fd, torn);
      repaired = `cut off a torn last line of ${path} (${end - torn} bytes, a crash mid-append; that check was never applied)`;
    }
    const prev = lastLine ? ((JSON.parse(lastLine) as { hash?: string }).hash ?? GENESIS) : GENESIS;
    return { line: unsealedLine(prev, record), at: torn ?? end, repaired };
  } catch (err) {
    throw writeFailure(err, path);
  }
}

/**
 * The second half: writes the line and fsyncs it, every byte taken back off on a failure. The
 * record's bytes go to the file on the thread pool while its hash is computed here (a wide
 * record is megabytes: each takes milliseconds); the chain fields follow them; `meanwhile` runs
 * while the fsync waits.
 */
export async function appendPreparedAsync(fd: number, path: string, { line, at, repaired }: PreparedAppend, meanwhile?: () => void): Promise<Appended> {
  try {
    if (process.env.ROLLGATE_FAULT === 'disk-full') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    try {
      // The line's start: all of the record's JSON but its closing brace, which sealed() overwrites
      // (or the whole line, when it is whole already).
      const body = 'bytes' in line ? line.bytes : line.buf.subarray(0, line.length - 1);
      if (process.env.ROLLGATE_FAULT === 'mid-journal') {
        writeSync(fd, body, 0, body.length >> 1, at);
        faultPoint('mid-journal');
      }
      let sealedLine: { bytes: Buffer; hash: string };
      if (body.length < WRITE_WHILE_HASHING) {
        writeAll(fd, body, at);
        sealedLine = sealed(line);
      } else {
        const written = writeAllAsync(fd, body, at);
        written.catch(() => {}); // awaited below, after the hash
        sealedLine = sealed(line);
        await written;
      }
      const { bytes, hash } = sealedLine;
      writeAll(fd, bytes.subarray(body.length), at + body.length);
      const synced = fsyncAsync(fd);
      synced.catch(() => {}); // awaited below, after the caller's work
      meanwhile?.();
      await synced;
      return { hash, repaired };
    } catch (err) {
      undoAppend(fd, at);
      throw err;
    }
  } catch (err) {
    throw writeFailure(err, path);
  }
}

/** Read and write, created when missing (never truncated: an existing journal is appended to). */
const JOURNAL_FLAGS = constants.O_RDWR | constants.O_CREAT;

/** Never leave a part of a record behind: the check it records is not applied. */
function undoAppend(fd: number, at: number): void {
  try {
    ftruncateSync(fd, at);
  } catch {
    // The next append cuts a torn line off anyway.
  }
}

/** The last complete line, the file size, and where a torn (unterminated) last line starts. */
function tail(fd: number): { lastLine: string | null; end: number; torn: number | null } {
  const end = fstatSync(fd).size;
  for (let size = Math.min(end, 64 * 1024); ; size = Math.min(end, size * 4)) {
    if (end === 0) return { lastLine: null, end, torn: null };
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, end - size);
    const lastNl = buf.lastIndexOf(10);
    const torn = lastNl === size - 1 ? null : end - size + lastNl + 1;
    const bodyEnd = lastNl; // the last complete line ends here (exclusive)
    const prevNl = bodyEnd > 0 ? buf.lastIndexOf(10, bodyEnd - 1) : -1;
    if ((prevNl < 0 || lastNl < 0) && size < end) continue; // the window starts mid-line: widen it
    const lastLine = lastNl <= 0 ? null : buf.toString('utf8', prevNl + 1, bodyEnd);
    return { lastLine: lastLine === '' ? null : lastLine, end, torn };
  }
}

export interface JournalEntry {
  line: number;
  record: Record<string, unknown> & { check?: number; hash?: string; prev_hash?: string };
}

export interface Verification {
  ok: boolean;
  entries: JournalEntry[];
  /** The first problem: line number and what is wrong. */
  broken: { line: number; problem: string } | null;
  /**
   * The first record (of the intact ones) whose instant is out of range: corrupt data an older
   * rollgate wrote for a --now it should have refused. The chain can still be intact.
   */
  badInstant: { line: number; check: number; problem: string } | null;
}

export function verifyJournal(path: string): Verification {
  return verifyJournalText(existsSync(path) ? readFileSync(path, 'utf8') : '');
}

/** The journal's text (one record per line, as the file holds it) checked record by record. */
export function verifyJournalText(text: string): Verification {
  const chain = verifyChain(text);
  let badInstant: Verification['badInstant'] = null;
  for (const { line, record } of chain.entries) {
    const problem = instantProblem(record.evaluated_unix_ms);
    if (problem) {
      badInstant = { line, check: record.check!, problem: `check ${String(record.check)}: evaluated_unix_ms = ${problem}` };
      break;
    }
  }
  return { ...chain, badInstant };
}

function verifyChain(text: string): Omit<Verification, 'badInstant'> {
  const lines = text.split('\n');
  const entries: JournalEntry[] = [];
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw === '') {
      if (i === lines.length - 1) break;
      return { ok: false, entries, broken: { line: i + 1, problem: 'an empty line' } };
    }
    let record: JournalEntry['record'];
    try {
      record = JSON.parse(raw) as JournalEntry['record'];
    } catch {
      const last = i === lines.length - 1;
      return { ok: false, entries, broken: { line: i + 1, problem: last ? 'a torn last line (a crash mid-append)' : 'a line that is not JSON' } };
    }
    const previous = entries[entries.length - 1]?.record.check;
    if (typeof record.check !== 'number' || (previous !== undefined && record.check !== previous + 1)) {
      return { ok: false, entries, broken: { line: i + 1, problem: previous === undefined ? 'a record without a check number' : `check ${String(record.check)} follows check ${previous} (a check applied twice, or one missing)` } };
    }
    const { hash, prev_hash: prevHash, ...body } = record;
    if (prevHash !== prev) return { ok: false, entries, broken: { line: i + 1, problem: `prev_hash does not match the hash of the record before it` } };
    if (hash !== recordHash(prev, body)) return { ok: false, entries, broken: { line: i + 1, problem: 'the record does not match its hash (edited?)' } };
    entries.push({ line: i + 1, record });
    prev = hash;
  }
  return { ok: true, entries, broken: null };
}

/** The last complete record of a journal (a torn last line is not one), or null. */
export function lastJournalRecord(path: string): JournalEntry['record'] | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const { lastLine } = tail(fd);
    return lastLine ? (JSON.parse(lastLine) as JournalEntry['record']) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
