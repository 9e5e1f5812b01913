/**
 * Every `evaluate --format` renderer, in process, on one decision record (fixture-record.ts):
 * what a person, a CI runner or a program reads from each.
 */
import { Ajv } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord } from '../../src/engine/record.js';
import { DECISION_RENDERERS, EVALUATE_FORMATS, type RenderContext } from '../../src/report/decision/index.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureSpec, RECORD, SPEC_FILE } from './fixture-record.js';

const spec = fixtureSpec();
const ctx: RenderContext = { spec, explain: false };
const render = (format: keyof typeof DECISION_RENDERERS, record: DecisionRecord = RECORD, explain = false) => DECISION_RENDERERS[format](record, { spec, explain }).stdout;
const linesOf = (out: string) => out.split('\n');
/** Where the spec declares a gate or trigger: `line=…,col=…` as GitHub reads it. */
const at = (source: { line: number; col: number }) => `file=${SPEC_FILE},line=${source.line},col=${source.col}`;

afterEach(() => {
  vi.unstubAllEnvs();
});

it('every format the CLI offers has a renderer', () => {
  expect(Object.keys(DECISION_RENDERERS).sort()).toEqual([...EVALUATE_FORMATS].sort());
});

describe('text', () => {
  it('puts the decision first, then why, the failing rules, the surface, the soak, the hooks and what happens next', () => {
    expect(linesOf(render('text'))).toEqual([
      'ROLLBACK  custom-command · canary-2 (25%) · check 7 · 2026-02-16T10:30:00.000Z',
      'why',
      '  - trigger health-regression [custom-command] fired: surface.health_state is "degraded" on 2 consecutive checks',
      '  - gate no-failure-streak [custom-command] failed: surface.health.failure_streak is 2, not 0',
      'gates (1 pass, 1 fail, 1 error)',
      '  FAIL no-failure-streak [custom-command]: surface.health.failure_streak is 2, not 0 (specs/custom-command.yaml:57:15)',
      '  ERR  runs-advancing: surfaces.custom-command.events.check.command_runs_recorded <= nothing: the log was unreadable & skipped (specs/custom-command.yaml:81:15)',
      'triggers',
      '  FIRED health-regression [custom-command] (streak 2/2, fired, rollback): surface.health_state is "degraded" (specs/custom-command.yaml:112:11)',
      '  ERR   hard-runtime-errors [custom-command] (error, rollback): surface.events.phase.case_processing_failed is missing (specs/custom-command.yaml:127:7)',
      'surfaces',
      '  custom-command: degraded, gate hold: failure_streak=2 | transport errors',
      'soak 25m of 1h held, 3 passing checks (min 1)',
      'hook rollback ./scripts/demo/set-weight.sh custom-command 0: ok (exited 0)',
      'hook rollback https://hooks.example.com/rollgate: FAILED (HTTP 500 Internal Server Error)',
      'note runtime-events.jsonl of custom-command was rotated since the previous check; both files were read',
      'next the rollout is rolled back; start it again with a new spec digest or rollgate control reset',
      '',
    ]);
  });

  it('--explain shows the passing gate, the quiet trigger and every trace', () => {
    const out = linesOf(render('text', RECORD, true));
    expect(out).toContain('  ok   healthy [custom-command]: surface.rollout_gate is "pass" (specs/custom-command.yaml:50:15)');
    expect(out).toContain('         == ["pass", "pass"] → true');
    expect(out).toContain('         == [2, 0] → false');
    expect(out).toContain('        failure-streak-breach [custom-command] (streak 0/1, rollback): surface.health.failure_streak is 2, under 3 (specs/custom-command.yaml:119:11)');
  });

  it('says when no trigger matched, and marks a dry run and a phase change', () => {
    const quiet: DecisionRecord = {
      ...RECORD, decision: 'promote', dry_run: true, phase: { name: 'canary-3', index: 2, traffic: 50 }, previous_phase: { name: 'canary-2', index: 1, traffic: 25 },
      triggers: RECORD.triggers.map((t) => ({ ...t, matched: false, streak: 0, fired: false })),
    };
    const out = linesOf(render('text', quiet));
    expect(out[0]).toBe('PROMOTE  custom-command · canary-3 (50%) · check 7 · 2026-02-16T10:30:00.000Z · dry run');
    expect(out[1]).toBe('  from canary-2 (25%)');
    expect(out).toContain('  none matched (3 evaluated)');
  });
});

describe('json', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  const valid = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/decision.schema.json'), 'utf8')) as object);

  it('is the record itself, and validates against schemas/decision.schema.json', () => {
    const out = render('json');
    expect(out.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(out) as unknown;
    expect(parsed).toEqual(RECORD);
    expect(valid(parsed), JSON.stringify(valid.errors)).toBe(true);
  });

  it('the schema check is real: a record without `next` or with an unknown decision does not validate', () => {
    const { next: _next, ...withoutNext } = JSON.parse(render('json')) as Record<string, unknown>;
    expect(valid(withoutNext)).toBe(false);
    expect(valid(JSON.parse(render('json', { ...RECORD, decision: 'maybe' as never })))).toBe(false);
  });

  it('writes characters a terminal or CI runner would act on as \\u escapes, and parses back to the same value', () => {
    const hostile = { ...RECORD, reasons: ['\u202eevil', 'a ##[error] b', 'x\u0085y'] };
    const out = render('json', hostile);
    expect(out).not.toMatch(/[\u202e\u0085]|##\[/);
    expect((JSON.parse(out) as DecisionRecord).reasons).toEqual(hostile.reasons);
  });
});

describe('junit', () => {
  const out = render('junit');

  it('counts each gate and trigger as a test case, failures and errors apart', () => {
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(out).toContain('<testsuites name="rollgate evaluate" tests="6" failures="2" errors="2">');
    expect(out).toContain('<testsuite name="rollgate evaluate custom-command: rollback (canary-2)" tests="6" failures="2" errors="2">');
    expect(out.match(/<testcase /g)).toHaveLength(6);
    expect(out).toContain('<testcase classname="rollgate.custom-command.gates" name="gate healthy [custom-command]" />');
    expect(out).toContain('<testcase classname="rollgate.custom-command.triggers" name="trigger failure-streak-breach [custom-command]" />');
  });

  it('a failing gate is a failure with its message and trace; an erroring one an error, XML-escaped', () => {
    expect(out).toContain('<testcase classname="rollgate.custom-command.gates" name="gate no-failure-streak [custom-command]">\n      <failure message="surface.health.failure_streak is 2, not 0 (specs/custom-command.yaml:57:15)">var surface.health.failure_streak → 2\n== [2, 0] → false</failure>');
    expect(out).toContain('<error message="surfaces.custom-command.events.check.command_runs_recorded &lt;= nothing: the log was unreadable &amp; skipped (specs/custom-command.yaml:81:15)">');
    expect(out).toContain('<failure message="fired (rollback): surface.health_state is &quot;degraded&quot; (specs/custom-command.yaml:112:11)">');
    expect(out).toContain('<error message="error: surface.events.phase.case_processing_failed is missing (specs/custom-command.yaml:127:7)">');
  });

  it('is well-formed: every element opened is closed, in order', () => {
    const stack: string[] = [];
    for (const [, close, name, selfClosing] of out.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (close) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
  });
});

describe('github', () => {
  const gate = (name: string) => RECORD.gates.find((g) => g.name === name)!;
  const trigger = (name: string) => RECORD.triggers.find((t) => t.name === name)!;
  /** `file=…,line=…,col=…` as GitHub reads it, from the record's own position. */
  const at = (source: DecisionRecord['gates'][number]['source']) => `file=${source!.file},line=${source!.line},col=${source!.col}`;

  it("the fixture record's positions are the spec's own", () => {
    for (const g of RECORD.gates) expect(g.source, g.name).toEqual(spec.phases.flatMap((p) => p.gates).find((x) => x.name === g.name && x.declaredIn === g.phase)!.source);
    for (const t of RECORD.triggers) expect(t.source, t.name).toEqual(spec.triggers.find((x) => x.name === t.name)!.source);
  });

  it('annotates the decision, and each failing gate and fired or erroring trigger at its line in the spec', () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    expect(linesOf(render('github'))).toEqual([
      `::error file=${SPEC_FILE},title=rollgate rollback%3A custom-command canary-2::${RECORD.reasons.join('%0A')}`,
      `::error ${at(gate('no-failure-streak').source)},title=gate no-failure-streak [custom-command] fail::surface.health.failure_streak is 2, not 0`,
      `::error ${at(gate('runs-advancing').source)},title=gate runs-advancing error::surfaces.custom-command.events.check.command_runs_recorded <= nothing: the log was unreadable & skipped`,
      `::error ${at(trigger('health-regression').source)},title=trigger health-regression [custom-command] fired::surface.health_state is "degraded"`,
      `::warning ${at(trigger('hard-runtime-errors').source)},title=trigger hard-runtime-errors [custom-command] errored::surface.events.phase.case_processing_failed is missing`,
      '',
    ]);
    // The positions are the spec's own: the rule of that gate or trigger, under its name.
    const specLines = readFileSync(join(ROOT, SPEC_FILE), 'utf8').split('\n');
    const ruleAt = (source: { line: number; col: number } | null) => {
      const name = specLines.slice(0, source!.line).reverse().find((l) => /^\s*- name: /.test(l));
      const line = specLines[source!.line - 1]!;
      return [line.trim().split(':')[0], line[source!.col - 1], name?.trim()];
    };
    expect(ruleAt(gate('no-failure-streak').source)).toEqual(['rule', '{', '- name: no-failure-streak']);
    expect(ruleAt(trigger('health-regression').source)).toEqual(['when', '{', '- name: health-regression']);
  });

  it("annotates where the record says, not where the spec has a gate of that name", () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    // Two gates called `healthy` (say, one per phase): only the record knows which one failed.
    const elsewhere = { file: 'specs/other.yaml', line: 7, col: 3 };
    const record: DecisionRecord = { ...RECORD, gates: [{ ...gate('healthy'), result: 'fail', source: elsewhere }], triggers: [] };
    expect(linesOf(render('github', record))[1]).toBe('::error file=specs/other.yaml,line=7,col=3,title=gate healthy [custom-command] fail::surface.rollout_gate is "pass"');
    // A record without positions (a spec built from an object) annotates the spec file as a whole.
    const nowhere: DecisionRecord = { ...record, gates: [{ ...record.gates[0]!, source: null }] };
    expect(linesOf(render('github', nowhere))[1]).toBe(`::error file=${SPEC_FILE},title=gate healthy [custom-command] fail::surface.rollout_gate is "pass"`);
    expect(render('text', nowhere)).toContain('  FAIL healthy [custom-command]: surface.rollout_gate is "pass"\n');
  });

  it('a hold is a warning, a promotion a notice', () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    expect(render('github', { ...RECORD, decision: 'hold' })).toMatch(/^::warning file=specs\/custom-command\.yaml,title=rollgate hold%3A /);
    expect(render('github', { ...RECORD, decision: 'promote', gates: [], triggers: [] })).toMatch(/^::notice file=specs\/custom-command\.yaml,title=rollgate promote%3A [^\n]*\n$/);
  });

  it('returns the Markdown report as the step summary, and writes no file itself even when $GITHUB_STEP_SUMMARY is set', () => {
    const summary = join(tempDir('report'), 'step-summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const rendered = DECISION_RENDERERS.github(RECORD, ctx);
    expect(rendered.appendToStepSummary).toBe(render('markdown') + '\n');
    expect(rendered.stderr ?? '').toBe('');
    expect(existsSync(summary)).toBe(false);
  });

  it('is the only format with a step summary', () => {
    for (const format of EVALUATE_FORMATS) expect(DECISION_RENDERERS[format](RECORD, ctx).appendToStepSummary === undefined, format).toBe(format !== 'github');
  });
});

describe('markdown', () => {
  it('a heading with the decision, the reasons, the next step, the soak, and tables of rules and surfaces', () => {
    const out = linesOf(render('markdown'));
    expect(out.slice(0, 8)).toEqual([
      '### ⏪ rollgate: **rollback** · custom-command · canary-2 (25%)',
      '',
      `- ${RECORD.reasons[0]}`,
      `- ${RECORD.reasons[1]}`,
      '',
      `Next: ${RECORD.next}`,
      '',
      'Soak: 25m of 1h held · check 7 · 2026-02-16T10:30:00.000Z',
    ]);
    expect(out).toContain('| gate (1 pass, 1 fail, 1 error) | surface | result | values | spec |');
    expect(out).toContain('| healthy | custom-command | pass | surface.rollout_gate is "pass" | specs/custom-command.yaml:50:15 |');
    expect(out).toContain('| no-failure-streak | custom-command | **fail** | surface.health.failure_streak is 2, not 0 | specs/custom-command.yaml:57:15 |');
    expect(out).toContain('| health-regression | custom-command | **streak 2/2, fired** | rollback | surface.health_state is "degraded" | specs/custom-command.yaml:112:11 |');
    expect(out).toContain('| hard-runtime-errors | custom-command | error | rollback | surface.events.phase.case_processing_failed is missing | specs/custom-command.yaml:127:7 |');
  });

  it('a | in producer text stays inside its table cell', () => {
    expect(linesOf(render('markdown'))).toContain('| custom-command | degraded | hold | failure_streak=2 \\| transport errors |');
  });
});

describe('producer text never escapes its line', () => {
  const H = 'ok\n::error::injected\u001b[31m';
  const hostile: DecisionRecord = {
    ...RECORD,
    reasons: [H],
    gates: RECORD.gates.map((g) => (g.result === 'fail' ? { ...g, message: H } : g)),
    surfaces: { 'custom-command': { ...RECORD.surfaces['custom-command']!, health_reason: H } },
  };

  it.each(['text', 'markdown', 'junit', 'github'] as const)('%s: a newline, :: and ESC in producer text do not make a line, a workflow command or a colour', (format) => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const out = render(format, hostile);
    expect(out).not.toContain('\u001b');
    for (const line of linesOf(out)) expect(line.trimStart().startsWith('::error::injected')).toBe(false);
    expect(out).toContain('ok\\n::error::injected\\x1b[31m'); // shown, visibly escaped
  });
});

it('the renderers do not change the record they are given', () => {
  const copy = structuredClone(RECORD);
  for (const format of EVALUATE_FORMATS) {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    DECISION_RENDERERS[format](RECORD, ctx);
  }
  expect(RECORD).toEqual(copy);
});
