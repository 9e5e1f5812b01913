/** `rollgate schedule <spec> [--count N] [--from T]`: the next check times, local and UTC. */
import { jsonText, textLines } from '../report/escape.js';
import { localTime, nextTimes } from '../time/cron-times.js';
import { isoOf } from '../time/instant.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, withExitCodes } from './common.js';
import { parseNow } from './parse-now.js';

export interface ScheduleOptions {
  count: string;
  from?: string;
  format: 'text' | 'json';
}

export function runSchedule(specFile: string, options: ScheduleOptions): Promise<number> {
  return withExitCodes('schedule', async () => {
    const spec = loadSpecOrExit(specFile);
    if (!spec.schedule) {
      throw new ExitError(`${specFile} has no \`schedule\`; add one, e.g. \`schedule: { cron: "*/5 * * * *", timezone: UTC }\``, EXIT.USAGE);
    }
    const count = Number(options.count);
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new ExitError(`--count ${options.count}: give a whole number from 1 to 1000`, EXIT.USAGE);
    let fromMs: number;
    try {
      fromMs = options.from === undefined ? Date.now() : parseNow(options.from, '--from');
    } catch (err) {
      throw new ExitError((err as Error).message, EXIT.USAGE);
    }
    const { cron, timezone } = spec.schedule;
    const times = nextTimes(spec.schedule, fromMs, count);
    if (options.format === 'json') {
      process.stdout.write(jsonText({ rollout: spec.name, cron, timezone, from_unix_ms: fromMs, times: times.map((t) => ({ unix_ms: t, utc: isoOf(t), local: localTime(t, timezone) })) }, 2) + '\n');
    } else {
      const lines = [`${spec.name}: \`${cron}\` in ${timezone}, the next ${count} check${count === 1 ? '' : 's'} after ${isoOf(fromMs)}`];
      times.forEach((t, i) => lines.push(`${String(i + 1).padStart(4)}. ${localTime(t, timezone).padEnd(26)} ${isoOf(t)}`));
      process.stdout.write(textLines(lines));
    }
    return EXIT.OK;
  });
}
