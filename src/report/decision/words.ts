/** Small shared wording for decision renderers. */
import type { GateResult, TriggerResult } from '../../engine/record.js';
import { formatDuration } from '../../time/duration.js';

export const where = (surface: string | null) => (surface === null ? '' : ` [${surface}]`);
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
