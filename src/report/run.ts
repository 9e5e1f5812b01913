/** `rollgate run`: one line per check, as it happens. */
import type { DecisionRecord } from '../engine/record.js';
import { isoOf } from '../time/instant.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const RUN_FORMATS = ['text', 'json'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

export interface CheckLine {
  /** The rollout checked. */
  name: string;
  /** When the scheduler ran the check. */
  nowMs: number;
  record: DecisionRecord;
}

export const RUN_RENDERERS: Record<RunFormat, Renderer<CheckLine>> = {
  text: ({ name, nowMs, record }) => ({ stdout: textLines([`${isoOf(nowMs)} ${name} check ${record.check}: ${record.decision.toUpperCase()} ${record.phase.name} (${record.phase.traffic}%): ${record.reasons[0] ?? ''}`]) }),
  json: ({ record }) => ({ stdout: jsonText(record) + '\n' }),
};
