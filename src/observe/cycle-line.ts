/**
 * The reference reading of one runtime-events.jsonl line, exactly as the producer's status
 * inspectors read it (tau-formats §3): trimmed; blank lines skipped; any JSON object is a
 * cycle report, with `reason_codes` (array of strings) and `health_reason` (string) optional;
 * anything else (not JSON, a scalar, an array, a wrongly typed or null field) is invalid.
 *
 * One deliberate difference: a key given twice takes its last value (JSON.parse), where the
 * producer's serde rejects the line. The producer never writes duplicate keys.
 */

export type CycleLine =
  | { kind: 'blank' }
  | { kind: 'invalid' }
  | { kind: 'valid'; codes: string[]; reason: string };

export function parseCycleLine(line: string): CycleLine {
  const text = line.trim();
  if (text === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid' };
  const record = value as Record<string, unknown>;
  const codes = Object.prototype.hasOwnProperty.call(record, 'reason_codes') ? record.reason_codes : [];
  const reason = Object.prototype.hasOwnProperty.call(record, 'health_reason') ? record.health_reason : '';
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) return { kind: 'invalid' };
  if (typeof reason !== 'string') return { kind: 'invalid' };
  return { kind: 'valid', codes: codes as string[], reason };
}
