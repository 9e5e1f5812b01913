/**
 * `validate` checks cron syntax with cron-parser's field parser stopped before its first luxon
 * date (parseCronFields). It must accept exactly what the full parse plus `next()` accepts,
 * which is what the scheduler and the promotion window run at check time.
 */
import fc from 'fast-check';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cronProblem, parseCronFields } from '../../src/spec/lint/lint-schedule.js';

const RUNS = process.env.CI ? 3000 : 10000;

/** The full parse, in UTC and in a zone with daylight saving, as the engine runs it. */
function fullParseAccepts(expression: string): boolean {
  try {
    for (const tz of ['UTC', 'Europe/Berlin']) CronExpressionParser.parse(expression, { tz, currentDate: Date.UTC(2026, 2, 29) }).next();
    return true;
  } catch {
    return false;
  }
}

function fieldsAccept(expression: string): boolean {
  try {
    parseCronFields(expression);
    return true;
  } catch {
    return false;
  }
}

const atom = fc.oneof(
  { arbitrary: fc.constant('*'), weight: 8 },
  { arbitrary: fc.nat({ max: 12 }).map(String), weight: 8 },
  { arbitrary: fc.nat({ max: 70 }).map(String), weight: 1 },
  { arbitrary: fc.constantFrom('?', 'L', 'W', 'THU', 'LW', '5L', '15W', 'MON', 'fri', 'JAN', 'dec', 'FOO', '', '-1', '1.5', 'x'), weight: 1 },
);
const piece = fc.oneof(
  { arbitrary: atom, weight: 12 },
  { arbitrary: fc.tuple(atom, atom).map(([a, b]) => `${a}-${b}`), weight: 3 },
  { arbitrary: fc.tuple(atom, fc.nat({ max: 70 })).map(([a, n]) => `${a}/${n}`), weight: 3 },
  { arbitrary: fc.tuple(atom, atom, fc.nat({ max: 70 })).map(([a, b, n]) => `${a}-${b}/${n}`), weight: 1 },
  { arbitrary: fc.tuple(atom, fc.nat({ max: 7 })).map(([a, n]) => `${a}#${n}`), weight: 1 },
  { arbitrary: fc.tuple(atom, fc.constantFrom('(', ')', '$', ',,', '/')).map(([a, c]) => `${a}${c}`), weight: 1 },
);
const field = fc.oneof({ arbitrary: piece, weight: 4 }, { arbitrary: fc.tuple(piece, piece).map((parts) => parts.join(',')), weight: 1 });
const expression = fc.array(field, { minLength: 5, maxLength: 5 }).map((fields) => fields.join(' '));

describe('the cron syntax check used by validate', () => {
  // `H` (a hashed value) is left out: cron-parser draws it at random on every parse, so the full
  // parse itself gives different answers; validate rejects it (see below).
  it('agrees with the full parse and next() on generated 5-field expressions', () => {
    let accepted = 0;
    fc.assert(fc.property(expression, (e) => {
      const fast = fieldsAccept(e);
      if (fast) accepted++;
      expect(fast, e).toBe(fullParseAccepts(e));
    }), { numRuns: RUNS });
    // Not vacuous: the generator reaches both answers.
    expect(accepted).toBeGreaterThan(RUNS / 50);
    expect(accepted).toBeLessThan(RUNS);
  });

  it.each([
    ['*/5 * * * *', undefined],
    ['* 9-16 * * 1-5', undefined],
    ['0 0 29 2 *', undefined],
    ['0 0 L * *', undefined],
    ['0 0 31 2 *', 'Invalid explicit day of month definition'],
    ['* * * * 8', 'Constraint error, got value 8 expected range 0-7'],
    ['*/0 * * * *', 'Constraint error, cannot repeat at every 0 time'],
    ['0 0 * * 5#6', 'Constraint error, invalid dayOfWeek occurrence number (#)'],
    ['* * * *', 'it has 4 fields'],
    ['0 9 * * THU', undefined],
    ['H * * * *', '`H` picks a random value'],
    ['0 3-H * * *', '`H` picks a random value'],
  ])('%s gives %s', (e, problem) => {
    const got = cronProblem(e);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});
