/**
 * The reference reading of one runtime-events.jsonl line, as the producer's status inspectors
 * read it (tau-formats §3): trimmed; blank lines skipped; any JSON object is a cycle report,
 * with `reason_codes` (array of strings) and `health_reason` (string) optional; anything else
 * (not JSON, a scalar, an array, a wrongly typed or null field, a key given twice: serde
 * refuses it where JSON.parse would keep the last value) is invalid.
 *
 * An invalid line is SUSPECT when it may carry reason codes (docs/event-log.md): a window with a
 * suspect line cannot say how many codes it holds. The rule, on the line as decoded (UTF-8,
 * invalid bytes read as U+FFFD):
 *   1. it contains `reason_codes`; or
 *   2. it does once its `\uXXXX` escapes are decoded (an escape can spell the key); or
 *   3. it does once every character that is not printable ASCII is removed (NUL and control
 *      bytes, invalid UTF-8, any non-ASCII character wedged into the key).
 * Lines too long to be read whole are suspect too (log-reader.ts). Anything else invalid
 * (`invalid-json-line`, `{"health_reason":5}`, a duplicated health_reason alone) cannot name
 * the key and stays a plain invalid line.
 */
import { findDuplicateKey } from './strict-json.js';

export type CycleLine =
  | { kind: 'blank' }
  /** `suspect`: why the line may carry reason codes, or null when it cannot. */
  | { kind: 'invalid'; suspect: string | null }
  | { kind: 'valid'; codes: string[]; reason: string };

const KEY = 'reason_codes';

export function parseCycleLine(line: string): CycleLine {
  const text = line.trim();
  if (text === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(text, null);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid(text, null);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) return invalid(text, duplicate.length > 80 ? `${duplicate.slice(0, 79)}…` : duplicate);
  const record = value as Record<string, unknown>;
  const garbled = garbledCodesKey(record);
  if (garbled !== null) return { kind: 'invalid', suspect: `an invalid line whose key ${JSON.stringify(garbled).slice(0, 80)} is reason_codes garbled (case, separators or invisible characters)` };
  const codes = Object.prototype.hasOwnProperty.call(record, 'reason_codes') ? record.reason_codes : [];
  const reason = Object.prototype.hasOwnProperty.call(record, 'health_reason') ? record.health_reason : '';
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) return invalid(text, null);
  if (typeof reason !== 'string') return invalid(text, null);
  return { kind: 'valid', codes: codes as string[], reason };
}

/**
 * A top-level key that is not `reason_codes` but reads as it once case, separators and
 * invisible characters are set aside (`Reason_Codes`, `reason-codes`, `reason_codes\u200b`):
 * the producer never writes one, and a code under it would otherwise count nowhere.
 */
export function garbledCodesKey(record: Record<string, unknown>): string | null {
  for (const key of Object.keys(record)) if (key !== KEY && isGarbledCodesKey(key)) return key;
  return null;
}

export function isGarbledCodesKey(key: string): boolean {
  return key !== KEY && key.toLowerCase().replace(/[^a-z0-9]/g, '') === 'reasoncodes';
}

function invalid(text: string, duplicate: string | null): CycleLine {
  const why = mayCarryReasonCodes(text);
  return { kind: 'invalid', suspect: why === null ? null : duplicate === null ? `an invalid line that ${why}` : `an invalid line (${duplicate}) that ${why}` };
}

/** Whether an invalid line may carry reason codes (the rule above): how it mentions them, or null. */
export function mayCarryReasonCodes(text: string): string | null {
  if (text.includes(KEY)) return 'mentions reason_codes';
  if (text.includes('\\u') && printable(decodeEscapes(text)).includes(KEY)) return 'spells reason_codes with \\u escapes';
  if (printable(text).includes(KEY)) return 'mentions reason_codes once its control, NUL or non-ASCII characters are removed';
  return null;
}

function decodeEscapes(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, '');
}
