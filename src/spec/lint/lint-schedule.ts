/** `schedule` and `promotionWindow`: 5-field cron expressions and real IANA time zones. */
import { CronExpressionParser } from 'cron-parser';
import { didYouMean } from '../suggest.js';
import { isRecord, type Reporter } from './reporter.js';

const CRON_HELP = 'write 5 fields: minute hour day-of-month month day-of-week, e.g. `*/5 * * * *`';

export function lintSchedules(report: Reporter): void {
  for (const key of ['schedule', 'promotionWindow'] as const) {
    const entry = report.data[key];
    if (!isRecord(entry)) continue;
    if (typeof entry.timezone === 'string') checkTimeZone(entry.timezone, key, report);
    if (typeof entry.cron === 'string') checkCron(entry.cron, key, report);
  }
}

/**
 * The problems of the expressions seen (undefined: none), by expression: a folder of specs
 * mostly repeats a few schedules, and a parse is most of a small spec's lint. Bounded.
 */
const problems = new Map<string, string | undefined>();
const MAX_PROBLEMS = 256;

/** Cron problem in words, or undefined when the expression is a valid 5-field one. */
export function cronProblem(expression: string): string | undefined {
  if (problems.has(expression)) return problems.get(expression);
  const problem = findCronProblem(expression);
  if (problems.size >= MAX_PROBLEMS) problems.clear();
  problems.set(expression, problem);
  return problem;
}

function findCronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}; ${CRON_HELP}`;
  }
  // Month and weekday names (THU, MAR) are the only letters that may hold an H.
  if (fields.some((f) => /H/.test(f.replace(/[a-z]{3}/gi, '')))) {
    return `\`H\` picks a random value each time the expression is read, so every check would see another schedule; write the value you want, e.g. \`17\``;
  }
  try {
    parseCronFields(expression);
    return undefined;
  } catch (err) {
    return `${(err as Error).message.replace(/\.$/, '')}; ${CRON_HELP}`;
  }
}

/** Thrown by the getter below; means "every field parsed". */
const FIELDS_PARSED = Symbol('cron fields parsed');

/**
 * cron-parser's own field parser, stopped before it builds the expression's first date. That
 * date is a luxon DateTime whose first use loads ICU's calendar data (~12 ms of a ~90 ms
 * `validate`), and a syntax check needs no date: `parse` reads `currentDate` only after every
 * field has parsed (test/spec/cron-syntax.test.ts holds this to the full parse + `next()`).
 */
export function parseCronFields(expression: string): void {
  const options = {
    get currentDate(): never {
      throw FIELDS_PARSED;
    },
  };
  try {
    CronExpressionParser.parse(expression, options);
  } catch (err) {
    if (err === FIELDS_PARSED) return;
    throw err;
  }
}

/** Zones every runtime has; most specs use one of these, and need no ICU lookup at all. */
const FIXED_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
/** IANA names the runtime knows; listing them is ~10× cheaper than a first DateTimeFormat in a zone. */
let zones: Set<string> | undefined;

const knownZones = (): Set<string> => (zones ??= new Set(Intl.supportedValuesOf('timeZone')));

export function isTimeZone(zone: string): boolean {
  if (FIXED_ZONES.has(zone) || knownZones().has(zone)) return true;
  // Aliases (US/Pacific, Europe/Kiev) are valid too but not listed: ask the formatter.
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkCron(expression: string, key: string, report: Reporter): void {
  const problem = cronProblem(expression);
  if (problem) report.error('bad-cron', `\`${key}.cron\` \`${expression}\` is not a valid cron expression: ${problem}`, [key, 'cron']);
}

function checkTimeZone(zone: string, key: string, report: Reporter): void {
  if (isTimeZone(zone)) return;
  report.error('bad-timezone', `\`${key}.timezone\` \`${zone}\` is not a known time zone` + (didYouMean(zone, knownZones()) || '; use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`'), [key, 'timezone']);
}
