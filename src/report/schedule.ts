/** `rollgate schedule`: the next check times, local and UTC. */
import { localTime } from '../time/cron-times.js';
import { isoOf } from '../time/instant.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const SCHEDULE_FORMATS = ['text', 'json'] as const;
export type ScheduleFormat = (typeof SCHEDULE_FORMATS)[number];

export interface ScheduleView {
  rollout: string;
  cron: string;
  timezone: string;
  fromMs: number;
  /** How many were asked for (--count). */
  count: number;
  /** The check instants after fromMs, unix ms. */
  times: number[];
}

export const SCHEDULE_RENDERERS: Record<ScheduleFormat, Renderer<ScheduleView>> = {
  text: ({ rollout, cron, timezone, fromMs, count, times }) => {
    const lines = [`${rollout}: \`${cron}\` in ${timezone}, the next ${count} check${count === 1 ? '' : 's'} after ${isoOf(fromMs)}`];
    times.forEach((t, i) => lines.push(`${String(i + 1).padStart(4)}. ${localTime(t, timezone).padEnd(26)} ${isoOf(t)}`));
    return { stdout: textLines(lines) };
  },
  json: ({ rollout, cron, timezone, fromMs, times }) => ({
    stdout: jsonText({ rollout, cron, timezone, from_unix_ms: fromMs, times: times.map((t) => ({ unix_ms: t, utc: isoOf(t), local: localTime(t, timezone) })) }, 2) + '\n',
  }),
};
