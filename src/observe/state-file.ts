/**
 * state.json, read the way the producer defines it (tau-formats §2): every health field a
 * non-negative integer defaulting to 0, no `health` at all meaning all zeros, extra keys
 * ignored. A file the producer's serde would refuse (a repeated key, a field of the wrong type,
 * see producer-state-schema.ts; a schema_version other than 1) is "unavailable", never
 * healthy, as is a missing, unparsable or unreadable one, or anything but a regular file.
 */
import { checkProducerState } from '../tau/producer-state-schema.js';
import { parseStrictJson } from './strict-json.js';
import { detectKind, type DetectedKind } from '../tau/surface-kind.js';
import { readUntrusted } from './untrusted-file.js';
import type { StateRead } from '../engine/observations.js';
import { STATE_FILE } from '../tau/files.js';
import { HEALTH_FIELDS, zeroHealth } from '../tau/health.js';

/** Far above any real snapshot; a bigger file is refused rather than parsed. */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;


/** Pure: the text of a state.json -> what it says, or why it cannot be used. */
export function parseState(text: string): StateRead {
  if (text.trim() === '') return { present: false, reason: 'state.json is empty (being written, or the disk was full)' };
  if (text.charCodeAt(0) === 0xfeff) return { present: false, reason: 'state.json starts with a byte-order mark, which the producer (serde) refuses' };
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    return {
      present: false,
      reason: parsed.error.startsWith('duplicate key')
        ? `state.json has a ${parsed.error}; the producer (serde) refuses a file with a repeated key, so which value counts is unknown`
        : `state.json is not valid JSON (${parsed.error}); it may be half-written`,
    };
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { present: false, reason: 'state.json is not a JSON object' };
  }
  const state = value as Record<string, unknown>;
  const problem = checkProducerState(state, text);
  if (problem) return { present: false, reason: problem };
  // The schema check has made every present health field a non-negative safe integer.
  const health = zeroHealth();
  const raw = (state.health ?? {}) as Record<string, unknown>;
  for (const field of HEALTH_FIELDS) if (raw[field] !== undefined) health[field] = raw[field] as number;
  return { present: true, state, health, kind: detectKind(state), bytes: Buffer.byteLength(text) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads <dir>/state.json. Never throws: a problem is an unavailable state with its reason. */
export function readStateFile(path: string): StateRead {
  const read = readUntrusted(path, MAX_STATE_BYTES, STATE_FILE);
  if (!read.ok) {
    return { present: false, reason: read.reason === `${STATE_FILE} does not exist` ? `${read.reason} (the runtime has not written it yet)` : read.reason };
  }
  let text: string;
  try {
    text = UTF8.decode(read.bytes);
  } catch {
    return { present: false, reason: 'state.json is not valid UTF-8, which the producer (serde) refuses' };
  }
  return parseState(text);
}
