/** `schedule` and `promotionWindow`: 5-field cron expressions and real IANA time zones. */
import { CronExpressionParser } from 'cron-parser';
import { didYouMean } from '../suggest.js';
import { isRecord, type Reporter } from './reporter.js';

const CRON_HELP = 'write 5 fields: minute hour day-of-month month day-of-week, e.g. `*/5 * * * *`';

export function lintSchedules(report: Reporter): void {
  for (const key of ['schedule', 'promotionWindow'] as const) {
    const entry = report.data[key];
    if (!isRecord(entry)) continue;
    const zone = typeof entry.timezone === 'string' ? entry.timezone : 'UTC';
    const zoneOk = typeof entry.timezone !== 'string' || checkTimeZone(entry.timezone, key, report);
    if (typeof entry.cron === 'string') checkCron(entry.cron, zoneOk ? zone : 'UTC', key, report);
  }
}

/** Cron problem in words, or undefined when the expression is a valid 5-field one. */
export function cronProblem(expression: string, timezone = 'UTC'): string | undefined {
  const fields = expression.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}; ${CRON_HELP}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: timezone }).next();
    return undefined;
  } catch (err) {
    return `${(err as Error).message.replace(/\.$/, '')}; ${CRON_HELP}`;
  }
}

/** IANA names the runtime knows; listing them is ~10× cheaper than a first DateTimeFormat in a zone. */
let zones: Set<string> | undefined;

export function isTimeZone(zone: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (zones.has(zone)) return true;
  // Aliases (US/Pacific, Europe/Kiev) are valid too but not listed: ask the formatter.
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkCron(expression: string, zone: string, key: string, report: Reporter): void {
  const problem = cronProblem(expression, zone);
  if (problem) report.error('bad-cron', `\`${key}.cron\` \`${expression}\` is not a valid cron expression: ${problem}`, [key, 'cron']);
}

function checkTimeZone(zone: string, key: string, report: Reporter): boolean {
  if (isTimeZone(zone)) return true;
  const known = Intl.supportedValuesOf('timeZone');
  report.error('bad-timezone', `\`${key}.timezone\` \`${zone}\` is not a known time zone` + (didYouMean(zone, known) || '; use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`'), [key, 'timezone']);
  return false;
}
