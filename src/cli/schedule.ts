/** `rollgate schedule <spec> [--count N] [--from T]`: the next check times, local and UTC. */
import { SCHEDULE_RENDERERS, type ScheduleFormat } from '../report/schedule.js';
import { nextTimes } from '../time/cron-times.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, withExitCodes } from './common.js';
import { parseNow } from './parse-now.js';

export interface ScheduleOptions {
  count: string;
  from?: string;
  format: ScheduleFormat;
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
    emit(SCHEDULE_RENDERERS[options.format]({ rollout: spec.name, cron, timezone, fromMs, count, times }));
    return EXIT.OK;
  });
}
