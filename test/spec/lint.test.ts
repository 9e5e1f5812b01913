/** Semantic checks beyond the schema, each on a one-line change to the minimal valid spec. */
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { didYouMean, editDistance, nearMiss } from '../../src/spec/suggest.js';
import { MINIMAL, minimalWith } from '../helpers/paths.js';

const diagnose = (text: string) => loadSpecText(text, 'spec.yaml').diagnostics;
const only = (text: string, severity: 'error' | 'warning') => diagnose(text).filter((d) => d.severity === severity);
const QUEUE_RULE = '{ "<=": [ { var: surface.health.queue_depth }, 1 ] }';
const withQueueRule = (rule: string) => minimalWith(QUEUE_RULE, rule);

describe('the minimal fixture', () => {
  it('is valid with no warnings', () => {
    expect(diagnose(MINIMAL)).toEqual([]);
  });
});

describe('suggestions', () => {
  it('swapping two neighbours is one edit', () => {
    expect(editDistance('queue_dpeth', 'queue_depth')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('fialing', ['healthy', 'degraded', 'failing'])).toBe('; did you mean `failing`?');
  });

  it('a near miss is one edit after folding case, `-`/`_` and blanks; an exact name is none', () => {
    const known = ['case_processing_failed', 'retry_attempted'];
    expect(nearMiss('retry_attempted', known)).toBeUndefined();
    expect(nearMiss('Retry-Attempted ', known)).toBe('retry_attempted');
    expect(nearMiss('retry_atempted', known)).toBe('retry_attempted');
    expect(nearMiss('retyr_attempted', known)).toBe('retry_attempted');
    expect(nearMiss('retries_attempted', known)).toBeUndefined();
  });
});

describe('var paths', () => {
  const cases: [string, string, RegExp][] = [
    ['surface outside each', minimalWith('{ ">": [ { var: surfaces.web.events.phase.healthy_cycle }, 0 ] }', '{ ">": [ { var: surface.events.phase.healthy_cycle }, 0 ] }'),
      /reads `surface`, which is only bound in a gate or trigger with `each`; add `each: surfaces`/],
    ['an undeclared surface', minimalWith('surfaces.web.events', 'surfaces.wbe.events'), /names surface `wbe`, which the spec does not declare; did you mean `web`\?/],
    ['an undeclared input', withQueueRule('{ "==": [ { var: inputs.harness.overall.status }, passed ] }'), /reads input `harness`, which is not declared under `inputs`/],
    ['a path into a number', withQueueRule('{ "==": [ { var: surface.health.queue_depth.max }, 1 ] }'), /`surface.health.queue_depth` is a number and has no `max`/],
    ['a typo at the top level', withQueueRule('{ ">": [ { var: phse.elapsed_ms }, 1 ] }'), /`the context` has no `phse`; did you mean `phase`\?/],
    ['an unknown window', withQueueRule('{ "==": [ { var: surface.events.phsae.retry_attempted }, 0 ] }'), /`surface.events` has no `phsae`; did you mean `phase`\?/],
    ['a named index into an array', withQueueRule('{ "==": [ { var: surface.last_reason_codes.first }, x ] }'), /is a list; index it with a number/],
    ['an empty path', withQueueRule('{ "==": [ { var: "" }, 1 ] }'), /empty path reads the whole context/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, () => {
      const found = only(text, 'error');
      expect(found.map((d) => d.code)).toEqual(['unknown-var']);
      expect(found[0]!.message).toMatch(message);
    });
  }

  it('accepts declared inputs, raw state, list indexes and paths inside `all`/`some` items', () => {
    const text = minimalWith('surfaces:', 'inputs:\n  harness: { file: h.json }\nsurfaces:').replace(QUEUE_RULE,
      '{ and: [ { "==": [ { var: inputs.harness.overall.status }, passed ] }, { "!=": [ { var: surface.state.commands.0.case_id }, "" ] }, ' +
      '{ "==": [ { var: surface.last_reason_codes.0 }, healthy_cycle ] }, { all: [ { var: surface.state.commands }, { "==": [ { var: last_outcome }, success ] } ] } ] }');
    expect(only(text, 'error')).toEqual([]);
  });

  it('a reason code one edit from a documented one is an error at the path, with the suggestion', () => {
    const found = diagnose(withQueueRule('{ "==": [ { var: surface.events.phase.case_procesing_failed }, 0 ] }'));
    expect(found.map((d) => [d.severity, d.code, d.line, d.col])).toEqual([['error', 'misspelled-reason-code', 25, 32]]);
    expect(found[0]!.message).toMatch(/^reason code `case_procesing_failed` in `surface.events.phase.case_procesing_failed` .* reads 0 at every check.*; did you mean `case_processing_failed`\?/);
  });

  it('one edit: a swap of two neighbours, a case or `-`/`_` difference, a missing or extra letter', () => {
    for (const code of ['case_processign_failed', 'Case_Processing_Failed', 'case-processing-failed', 'case_processing_faild', 'case_processing_failedd', 'CASE-PROCESING-FAILED']) {
      const found = only(withQueueRule(`{ "==": [ { var: surface.events.check.${code} }, 0 ] }`), 'error');
      expect(found.map((d) => d.code), code).toEqual(['misspelled-reason-code']);
      expect(found[0]!.message, code).toMatch(/did you mean `case_processing_failed`\?/);
    }
  });

  it('a reason code far from every documented one is only a warning: producers may add codes', () => {
    const found = diagnose(withQueueRule('{ "==": [ { var: surface.events.phase.cache_entries_evicted }, 0 ] }'));
    expect(found.map((d) => [d.severity, d.code, d.line, d.col])).toEqual([['warning', 'unknown-reason-code', 25, 32]]);
    expect(found[0]!.message).toMatch(/is not one the producer documents; it reads 0 until a runtime writes it/);
    // Two edits away is a different code, not a slip.
    expect(only(withQueueRule('{ "==": [ { var: surface.events.phase.case_processing_fail }, 0 ] }'), 'error')).toEqual([]);
  });

  it('the same rule for a code looked up in `last_reason_codes`, at the code', () => {
    const inList = (code: string) => withQueueRule(`{ "!": [ { in: [ ${code}, { var: surface.last_reason_codes } ] } ] }`);
    const near = diagnose(inList('case_procesing_failed'));
    expect(near.map((d) => [d.severity, d.code, d.line, d.col])).toEqual([['error', 'misspelled-reason-code', 25, 32]]);
    expect(near[0]!.message).toMatch(/in `surface.last_reason_codes` .*; did you mean `case_processing_failed`\?/);
    expect(diagnose(inList('cache_entries_evicted')).map((d) => [d.severity, d.code])).toEqual([['warning', 'unknown-reason-code']]);
    expect(diagnose(inList('case_processing_failed'))).toEqual([]);
    const element = only(withQueueRule('{ "==": [ { var: surface.last_reason_codes.0 }, healthy-cycle ] }'), 'error');
    expect(element.map((d) => d.code)).toEqual(['misspelled-reason-code']);
  });

  it('health rules read the surface, but not what they decide', () => {
    const health = (rule: string) => minimalWith('phases:', `health:\n  failing: { ">=": [ { var: health.failure_streak }, 3 ] }\n  degraded: ${rule}\nphases:`);
    expect(only(health('{ ">": [ { var: health.last_cycle_failed }, 0 ] }'), 'error')).toEqual([]);
    expect(only(health('{ "==": [ { var: health_state }, degraded ] }'), 'error')[0]!.message).toMatch(/`health_state` cannot be read in a health rule/);
  });
});

describe('comparisons with a literal of another type', () => {
  const mismatch = (rule: string) => only(withQueueRule(rule), 'error').filter((d) => d.code === 'type-mismatch');

  it('an integer field and a quoted number: an error at the literal', () => {
    const found = mismatch('{ "<=": [ { var: surface.health.queue_depth }, "3" ] }');
    expect(found.map((d) => [d.line, d.col, d.path])).toEqual([[25, 62, '/phases/0/gates/1/rule/<=/1']]);
    expect(found[0]!.message).toBe('`surface.health.queue_depth` is an integer, but `<=` in gate `queue-depth` of phase `canary-1` compares it with the string `"3"`; rollgate compares values of one type only, so the check would error (and hold): write the number without quotes, `3`');
  });

  it('a boolean field and "true"', () => {
    const found = mismatch('{ "==": [ { var: surface.present }, "true" ] }');
    expect(found.map((d) => [d.line, d.col])).toEqual([[25, 51]]);
    expect(found[0]!.message).toMatch(/^`surface.present` is a boolean \(true or false\), but `==` .* the string `"true"`; .*: write `true` without quotes$/);
  });

  it('every comparison operator, the literal on either side, an enum field and null', () => {
    for (const op of ['==', '===', '!=', '!==', '<', '<=', '>', '>=']) {
      expect(mismatch(`{ "${op}": [ "1", { var: surface.health.failure_streak } ] }`).length, op).toBe(1);
    }
    expect(mismatch('{ "==": [ { var: surface.health_state }, 3 ] }')[0]!.message).toMatch(/is a string \(one of `healthy`, `degraded`, `failing`, `unknown`\), but `==` .* the number `3`/);
    expect(mismatch('{ "!=": [ { var: surface.health.queue_depth }, null ] }')[0]!.message).toMatch(/compares it with `null`; .*; this field is never null$/);
    expect(mismatch('{ "<": [ 0, { var: phase.elapsed_ms }, "60000" ] }').map((d) => d.path)).toEqual(['/phases/0/gates/1/rule/</2']);
  });

  it('same types, a nullable field and null, and free-form paths are fine', () => {
    const text = minimalWith('surfaces:', 'inputs:\n  signoff: { file: s.yaml }\nsurfaces:').replace(QUEUE_RULE,
      '{ and: [ { "==": [ { var: surface.age_ms }, null ] }, { "<": [ { var: [ surface.age_ms, 0 ] }, 60000 ] }, { "==": [ { var: surface.stale }, false ] }, ' +
      '{ "==": [ { var: surface.health_state }, healthy ] }, { "==": [ { var: phase.traffic }, 2.5 ] }, { "==": [ { var: inputs.signoff.approved }, "true" ] }, ' +
      '{ "==": [ { var: surface.state.commands.0.exit_code }, "0" ] }, { "==": [ { var: surface.name }, web ] } ] }');
    expect(only(text, 'error')).toEqual([]);
  });
});

describe('rule shapes', () => {
  it('a rule must return true or false', () => {
    const found = only(withQueueRule('{ "+": [ { var: surface.health.queue_depth }, 1 ] }'), 'error');
    expect(found[0]).toMatchObject({ code: 'not-boolean', line: 25 });
    expect(found[0]!.message).toMatch(/gate `queue-depth` of phase `canary-1` returns a number, not true or false/);
  });

  it('a bare var of a boolean field is a boolean rule; an input field may not be', () => {
    expect(only(withQueueRule('{ var: surface.stale }'), 'error')).toEqual([]);
    const text = minimalWith('surfaces:', 'inputs:\n  signoff: { file: s.yaml }\nsurfaces:').replace(QUEUE_RULE, '{ var: inputs.signoff.done }');
    expect(only(text, 'warning').map((d) => d.code)).toEqual(['maybe-not-boolean']);
  });

  it.each([
    ['a number compared with a string', '{ "<=": [ { var: surface.health.queue_depth }, "1" ] }', /^`surface.health.queue_depth` is an integer, but `<=` in gate `queue-depth` of phase `canary-1` compares it with the string `"1"`.*write the number without quotes, `1`$/],
    ['a string compared with a number', '{ "==": [ { var: surface.rollout_gate }, 1 ] }', /`surface.rollout_gate` is a string .* compares it with the number `1`/],
    ['two fields of different types', '{ "==": [ { var: surface.rollout_gate }, { var: surface.health.queue_depth } ] }', /compares `surface.rollout_gate` \(a string\) with `surface.health.queue_depth` \(a number\)/],
    ['booleans ordered', '{ "<": [ { var: surface.stale }, true ] }', /compares `surface.stale` \(a boolean\).*only numbers or strings have an order/],
    ['a mapping compared', '{ "==": [ { var: surface.events.phase }, 0 ] }', /compares `surface.events.phase` \(a mapping\)/],
    ['a number as a condition', '{ "!": { var: surface.health.failure_streak } }', /^`!` .* takes `surface.health.failure_streak` \(a number\) as a condition, .* e\.g\. `\{ ">": \[ …, 0 \] \}`$/],
    ['a string as a condition of `if`', '{ if: [ { var: surface.health_reason }, true, false ] }', /^`if` .* takes `surface.health_reason` \(a string\) as a condition/],
    ['arithmetic on a string', '{ ">": [ { "+": [ { var: surface.health_state }, 1 ] }, 0 ] }', /^`\+` .* takes numbers, not `surface.health_state` \(a string\)/],
  ])('the schema catches what a check would refuse: %s', (_what, rule, message) => {
    const found = only(withQueueRule(rule), 'error');
    expect(found.map((d) => d.code)).toEqual(['type-mismatch']);
    expect(found[0]!.message).toMatch(message);
  });

  it('types that match, null, and what the schema cannot tell pass', () => {
    for (const rule of [
      '{ "==": [ { var: surface.rollout_gate }, pass ] }', '{ "==": [ { var: surface.age_ms }, null ] }',
      '{ "<=": [ { var: surface.events.check.retry_attempted }, { var: surface.events.previous_check.retry_attempted } ] }',
      '{ and: [ { var: surface.present }, { "!": { var: surface.stale } } ] }', '{ "==": [ { var: surface.state.anything }, 1 ] }',
      '{ "!": { missing: [ surface.state.x ] } }',
    ]) expect(only(withQueueRule(rule), 'error'), rule).toEqual([]);
  });

  it('wrong argument counts are caught', () => {
    const found = only(withQueueRule('{ "<=": [ { var: surface.health.queue_depth } ] }'), 'error');
    expect(found[0]!.message).toMatch(/`<=` in gate `queue-depth` of phase `canary-1` takes 2 or 3 arguments, but has 1/);
  });

  it('a mapping with two operators is not an expression', () => {
    const found = only(withQueueRule('{ "<=": [ 1, 2 ], ">=": [ 1, 2 ] }'), 'error');
    expect(found[0]!.code).toBe('not-an-expression');
  });

  it('operators written as in other languages suggest the json-logic one', () => {
    for (const [typo, meant] of [['=<', '<='], ['=>', '>='], ['=!', '!='], ['<>', '!='], ['=', '==']]) {
      const found = only(withQueueRule(`{ "${typo}": [ { var: surface.health.queue_depth }, 1 ] }`), 'error');
      expect(found.map((d) => [d.code, d.line, d.col]), typo).toEqual([['unknown-operator', 25, 17]]);
      expect(found[0]!.message, typo).toBe(`unknown json-logic operator \`${typo}\` in gate \`queue-depth\` of phase \`canary-1\`; did you mean \`${meant}\`?`);
    }
  });

  it('`log` is not allowed (it would write from inside the engine)', () => {
    expect(only(withQueueRule('{ log: true }'), 'error')[0]!.code).toBe('unknown-operator');
  });
});

describe('structure', () => {
  it('`inherit` on the first phase', () => {
    const found = only(minimalWith('    traffic: 5\n', '    traffic: 5\n    inherit: true\n'), 'error');
    expect(found[0]!.message).toMatch(/is the first phase, so it has no previous phase to inherit gates from/);
  });

  it('traffic that decreases', () => {
    const found = only(minimalWith('traffic: 100', 'traffic: 3'), 'error');
    expect(found.map((d) => d.code)).toEqual(['traffic-decreases']);
    expect(found[0]!.message).toMatch(/sends 3% of traffic, less than the 5% of the phase before it/);
  });

  it('traffic above 100', () => {
    const found = only(minimalWith('traffic: 100', 'traffic: 120'), 'error');
    expect(found[0]!.message).toBe('`traffic` in phase `general-availability` is `120`; it must be at most 100');
  });

  it('a trigger limited to an unknown phase', () => {
    const found = only(minimalWith('    consecutive: 2', '    consecutive: 2\n    phases: [ canary-01 ]'), 'error');
    expect(found[0]!.message).toMatch(/names phase `canary-01`, which the spec does not have; did you mean `canary-1`\?/);
  });

  it('a duplicate trigger name', () => {
    const text = MINIMAL + '  - name: health-regression\n    when: true\n    action: hold\n';
    expect(only(text, 'error').map((d) => d.code)).toEqual(['duplicate-trigger-name']);
  });

  it('a missing required key names what it is for', () => {
    const found = only(minimalWith('    action: rollback\n', ''), 'error');
    expect(found[0]!.message).toMatch(/^trigger `health-regression` is missing `action` \(what a fired trigger does/);
  });

  it('the sentence naming what a missing key is for is not cut at "e.g."', () => {
    const found = loadSpecText('apiVersion: rollgate/v1\nkind: Rollout\nmetadata: { name: x }\nsurfaces: { a: { stateDir: a } }\n', 'x.yaml').diagnostics;
    expect(found.map((d) => d.message)).toContain("the spec is missing `phases` (the rollout's phases in order, e.g. canary-1 5% → canary-2 25% → canary-3 50% → general-availability 100%)");
  });

  it('a wrong enum value suggests the right one', () => {
    const found = only(minimalWith('action: rollback', 'action: rolback'), 'error');
    expect(found[0]!.message).toBe('`action` in trigger `health-regression` is `rolback`; expected one of `rollback`, `hold`; did you mean `rollback`?');
  });

  it('`each` that is neither `surfaces` nor a list', () => {
    const found = only(minimalWith('each: [ web, api ]', 'each: all'), 'error');
    expect(found.map((d) => d.message)).toEqual(['`each` in gate `queue-depth` of phase `canary-1` is `all`; `each` is `surfaces` (every surface) or a list of surface names, e.g. `each: [web, api]`']);
  });

  it('a bad rollout name', () => {
    const found = only(minimalWith('name: checkout', 'name: Checkout_Canary'), 'error');
    expect(found[0]!.message).toMatch(/`metadata.name` is `Checkout_Canary`; use lower-case letters/);
  });

  it('a surface without staleAfter is a warning', () => {
    const found = only(minimalWith('    stateDir: .tau/web\n    staleAfter: 15m\n', '    stateDir: .tau/web\n'), 'warning');
    expect(found.map((d) => d.code)).toEqual(['no-stale-after']);
  });
});

describe('rules that read no data', () => {
  it('a gate that is always false makes the later phases unreachable', () => {
    const found = only(withQueueRule('{ "==": [ 1, 2 ] }'), 'error');
    expect(found.map((d) => d.code)).toEqual(['unreachable-phase']);
    expect(found[0]!.message).toBe('gate `queue-depth` is always false, so phase `canary-1` can never promote and `general-availability` can never be reached');
  });

  it('a rollback trigger that is always true is an error; a constant gate that is true is a warning', () => {
    expect(only(minimalWith('when: { in: [ { var: surface.health_state }, [ degraded, failing ] ] }', 'when: true'), 'error').map((d) => d.code)).toEqual(['always-rolls-back']);
    expect(only(withQueueRule('{ "<": [ 1, 2 ] }'), 'warning').map((d) => d.code)).toEqual(['constant-rule']);
  });

  it('an `all` over a literal list with item paths is still constant', () => {
    expect(only(withQueueRule('{ all: [ [ 1, 2 ], { ">": [ { var: "" }, 5 ] } ] }'), 'error').map((d) => d.code)).toEqual([]);
  });
});

describe('schedules', () => {
  it('an out-of-range cron field explains the range', () => {
    const found = only(minimalWith('cron: "*/5 * * * *"', 'cron: "61 * * * *"'), 'error');
    expect(found[0]!.message).toMatch(/not a valid cron expression: .*61.*0-59/);
  });

  it('six fields (with seconds) are refused', () => {
    expect(only(minimalWith('cron: "*/5 * * * *"', 'cron: "0 */5 * * * *"'), 'error')[0]!.message).toMatch(/it has 6 fields/);
  });
});

describe('hooks', () => {
  const withHooks = (yaml: string) => MINIMAL + 'hooks:\n' + yaml;
  it('accepts an argv and a webhook', () => {
    expect(diagnose(withHooks('  promote: [ { run: [ ./set-weight.sh, "25" ], timeout: 30s } ]\n  rollback: [ { webhook: "https://deploy.example.com/rollback" } ]\n'))).toEqual([]);
  });
  it('needs exactly one of run and webhook', () => {
    expect(only(withHooks('  promote: [ { run: [ a ], webhook: "http://127.0.0.1:9/x" } ]\n'), 'error')[0]!.message).toMatch(/needs exactly one of `run` .* or `webhook` .*, not both/);
    expect(only(withHooks('  promote: [ { timeout: 5s } ]\n'), 'error')[0]!.code).toBe('bad-hook');
  });
  it('a shell line in one string is a warning: there is no shell', () => {
    expect(only(withHooks('  promote: [ { run: [ "./set-weight.sh 25 && rm -rf /" ] } ]\n'), 'warning')[0]!.message).toMatch(/hooks never go through a shell, so split it into a list/);
  });
  it('a string instead of an argv list', () => {
    expect(only(withHooks('  promote: [ { run: ./set-weight.sh } ]\n'), 'error')[0]!.message).toMatch(/must be a list, not the text `.\/set-weight.sh`; write `run` as a list/);
  });
  it('a webhook that is not http(s), and a zero timeout', () => {
    expect(only(withHooks('  rollback: [ { webhook: "file:///etc/passwd" } ]\n'), 'error')[0]!.message).toMatch(/only http and https/);
    expect(only(withHooks('  rollback: [ { webhook: "http://127.0.0.1:9/x", timeout: 0 } ]\n'), 'error')[0]!.code).toBe('bad-timeout');
  });
});
