/** Small shared wording for decision renderers. */
import type { GateResult, RecordSource, TriggerResult } from '../../engine/record.js';
import { formatDuration } from '../../time/duration.js';

export const where = (surface: string | null) => (surface === null ? '' : ` [${surface}]`);
/** `specs/release.yaml:42:9`: where a gate's rule or a trigger's `when` is written (null: nowhere known). */
export const position = (source: RecordSource): string | null => (!source ? null : `${source.file}:${source.line}:${source.col}`);
/** ` (specs/release.yaml:42:9)` after a text line, or nothing. */
export const atPosition = (source: RecordSource): string => (!source ? '' : ` (${position(source)})`);
export const minutes = (ms: number) => (ms <= 0 ? '0' : formatDuration(Math.round(ms / 1000) * 1000));

export function gateCounts(gates: readonly GateResult[]): string {
  const n = (r: GateResult['result']) => gates.filter((g) => g.result === r).length;
  const parts = [`${n('pass')} pass`];
  if (n('fail')) parts.push(`${n('fail')} fail`);
  if (n('error')) parts.push(`${n('error')} error`);
  return parts.join(', ');
}

export function streak(t: TriggerResult): string {
  return t.matched === null ? 'error' : `streak ${t.streak}/${t.consecutive}${t.fired ? ', fired' : ''}`;
}
