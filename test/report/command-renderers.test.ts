/**
 * The renderers of status, journal, simulate, schedule, inspect and run, in process, on the
 * fixture record (fixture-record.ts): one test per format. The commands print exactly this
 * (test/cli/* hold the commands to it end to end).
 */
import { describe, expect, it } from 'vitest';
import { decisionRow, runRow } from '../../src/engine/record-rows.js';
import type { DecisionRecord } from '../../src/engine/record.js';
import { formatDiagnostic, formatPosition, renderDiagnostics } from '../../src/report/diagnostic.js';
import { INSPECT_RENDERERS, renderInspectNotes } from '../../src/report/inspect.js';
import { JOURNAL_RENDERERS, renderJournalProblems, type JournalView } from '../../src/report/journal.js';
import { RUN_RENDERERS } from '../../src/report/run.js';
import { SCHEDULE_RENDERERS, type ScheduleView } from '../../src/report/schedule.js';
import { SIMULATE_RENDERERS, type SimulationView } from '../../src/report/simulate.js';
import { STATUS_RENDERERS, type StatusReport, type StatusView } from '../../src/report/status.js';
import type { JournalEntry } from '../../src/store/journal.js';
import { RECORD } from './fixture-record.js';

const linesOf = (out: string) => out.split('\n');
const T = RECORD.evaluated_unix_ms;

describe('the one diagnostic formatter', () => {
  it('file:line:col: severity: message, and file: severity: message without a position', () => {
    expect(formatDiagnostic({ file: 'a.yaml', line: 3, col: 7, severity: 'error', message: 'bad' })).toBe('a.yaml:3:7: error: bad');
    expect(formatDiagnostic({ file: 'a.yaml', line: 0, col: 0, severity: 'warning', message: 'gone' })).toBe('a.yaml: warning: gone');
    expect(formatPosition({ file: 'j.jsonl', line: 4 })).toBe('j.jsonl:4');
  });

  it('renders diagnostics to stderr, escaped, nothing to stdout', () => {
    expect(renderDiagnostics([{ file: 'a.yaml', line: 1, col: 2, severity: 'error', message: 'x\ny' }])).toEqual({ stdout: '', stderr: 'a.yaml:1:2: error: x\\ny\n' });
  });
});

describe('status', () => {
  const report: StatusReport = {
    schema_version: 1,
    rollout: 'custom-command',
    started: true,
    status: 'rolled_back',
    phase: { name: 'canary-2', index: 1, traffic: 25, entered_unix_ms: T - 1_500_000 },
    checks: 7,
    last_check_unix_ms: T,
    last_decision: { check: 7, decision: 'rollback', reasons: RECORD.reasons },
    pause: { actor: 'ann', reason: 'looking', since_unix_ms: T },
    pending_hooks: [{ event: 'rollback', since_unix_ms: T, attempts: 1, last_error: 'HTTP 500' }],
    journal: { records: 7, verified: true },
    if_checked_now: { decision: RECORD.decision, reasons: RECORD.reasons, next: RECORD.next, soak: RECORD.soak },
    surfaces: RECORD.surfaces,
  };
  const view: StatusView = { report, firstPhase: 'canary-1' };

  it('text: a rolled-back rollout says so and why, with no soak or preview of a phase that no longer runs; the surfaces and the journal', () => {
    expect(linesOf(STATUS_RENDERERS.text(view).stdout)).toEqual([
      'custom-command: rolled_back in phase canary-2 (was 25%), 7 checks',
      `rolled back because: ${RECORD.reasons[0]}`,
      'paused by ann: looking',
      'pending rollback hooks (1 attempt): HTTP 500',
      `next: ${RECORD.next}`,
      '  custom-command: degraded, gate hold: failure_streak=2 | transport errors',
      'journal: 7 records, hash chain verified',
      '',
    ]);
  });

  it('text: not started, and a broken journal', () => {
    const fresh: StatusReport = { ...report, started: false, status: 'not started', phase: null, checks: 0, last_decision: null, pause: null, pending_hooks: [], journal: { records: 1, verified: false, broken: { line: 1, problem: 'an empty line' } } };
    const out = linesOf(STATUS_RENDERERS.text({ report: fresh, firstPhase: 'canary-1' }).stdout);
    expect(out[0]).toBe('custom-command: not started (the first `rollgate evaluate` enters canary-1)');
    expect(out).toContain('journal: 1 record, BROKEN at line 1: an empty line');
  });

  it('json: the report, indented', () => {
    const out = STATUS_RENDERERS.json(view);
    expect(out.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out.stdout)).toEqual(report);
    expect(out.stderr).toBeUndefined();
  });
});

describe('journal', () => {
  const second: DecisionRecord = { ...RECORD, check: 8, evaluated_unix_ms: T + 300_000 };
  const entries: JournalEntry[] = [RECORD, second].map((r, i) => ({ line: i + 1, record: r as unknown as JournalEntry['record'] }));
  const base = { rollout: 'custom-command', storeDir: '/s/custom-command', journalPath: '/s/custom-command/decisions.jsonl' };
  const intact: JournalView = {
    ...base, verify: true,
    history: {
      verification: { ok: true, entries, broken: null, badInstant: null },
      state: { ok: true, problem: null },
      audit: { ok: true, actions: 0, missing: [], problem: null },
      records: entries,
      ok: true,
    },
  };
  const broken: JournalView = {
    ...base, verify: true,
    history: {
      verification: { ok: false, entries: entries.slice(0, 1), broken: { line: 2, problem: 'a torn last line (a crash mid-append)' }, badInstant: { line: 1, check: 7, problem: 'check 7: evaluated_unix_ms = -1' } },
      state: { ok: false, problem: 'rollout.json is at check 8, the journal at check 7' },
      audit: { ok: true, actions: 0, missing: [], problem: null },
      records: entries.slice(0, 1),
      ok: false,
    },
  };

  it('text: a line per record, then with --verify what agrees', () => {
    expect(linesOf(JOURNAL_RENDERERS.text(intact).stdout)).toEqual([
      'custom-command: 2 records in /s/custom-command/decisions.jsonl',
      `#7     2026-02-16T10:30:00.000Z  ${decisionRow(RECORD)}`,
      `#8     2026-02-16T10:35:00.000Z  ${decisionRow(second)}`,
      'verify: the hash chain of 2 records is intact; check numbers run 1 to 8 without a gap or a repeat',
      'verify: rollout.json agrees with the last record',
      'verify: every manual action in the journal (0) has its line in actions-audit.jsonl',
      '',
    ]);
    expect(renderJournalProblems(intact, { format: 'text' }).stderr).toBe('');
  });

  it('text --verify of a broken journal: the break in the report, each problem on stderr after it', () => {
    const out = linesOf(JOURNAL_RENDERERS.text(broken).stdout);
    expect(out).toContain('verify: BROKEN at line 2 of /s/custom-command/decisions.jsonl: a torn last line (a crash mid-append); the 1 record before it verify');
    expect(out).toContain('verify: rollout.json DISAGREES with the journal: rollout.json is at check 8, the journal at check 7');
    expect(linesOf(renderJournalProblems(broken, { format: 'text' }).stderr!)).toEqual([
      'rollgate journal: /s/custom-command/decisions.jsonl:2: a torn last line (a crash mid-append)',
      'rollgate journal: rollout.json is at check 8, the journal at check 7',
      "rollgate journal: /s/custom-command/decisions.jsonl:1: corrupt data: check 7: evaluated_unix_ms = -1; an older rollgate accepted such a --now. The record cannot be trusted: restore the journal from a backup, or move the rollout's store folder aside to start again",
      '',
    ]);
    // In JSON, the problems are in the document; only the corrupt record is said on stderr too.
    expect(linesOf(renderJournalProblems(broken, { format: 'json' }).stderr!)).toHaveLength(2);
  });

  it('json: the records, the verification and a corrupt record', () => {
    const doc = JSON.parse(JOURNAL_RENDERERS.json(broken).stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['schema_version', 'rollout', 'journal', 'records', 'verification', 'corrupt']);
    expect(doc.records).toEqual([RECORD]);
    expect(doc.verification).toMatchObject({ ok: false, records: 1, broken: { line: 2 }, state: { ok: false } });
    expect(doc.corrupt).toEqual({ line: 1, problem: 'check 7: evaluated_unix_ms = -1' });
  });

  it('no journal yet, in both formats', () => {
    const none: JournalView = { ...base, verify: false, history: null };
    expect(JOURNAL_RENDERERS.text(none).stdout).toBe('custom-command: no checks yet (no journal in /s/custom-command)\n');
    expect(JSON.parse(JOURNAL_RENDERERS.json(none).stdout)).toEqual({ schema_version: 1, rollout: 'custom-command', records: [], verification: null });
    expect(renderJournalProblems(none, { format: 'text' }).stderr ?? '').toBe('');
  });
});

describe('simulate', () => {
  const end = { status: 'rolled_back', at: T, phase: 'canary-2', trigger: 'health-regression', summary: 'rolled back in canary-2 at 10:30' };
  const one: SimulationView = { specs: [{ name: 'custom-command', file: 'specs/custom-command.yaml' }], timeline: 't.yaml', results: [{ records: [RECORD], checks: 1, end }] };

  it('text: a row per run of checks, and the end', () => {
    expect(linesOf(SIMULATE_RENDERERS.text(one).stdout)).toEqual(['custom-command on t.yaml: 1 checks', runRow([RECORD]), `end: ${end.summary}`, '']);
  });

  it('markdown: a table, a | in a reason kept in its cell', () => {
    const md = linesOf(SIMULATE_RENDERERS.markdown({ ...one, results: [{ ...one.results[0]!, records: [{ ...RECORD, reasons: ['a | b'] }] }] }).stdout);
    expect(md.slice(0, 5)).toEqual(['### rollgate simulate: custom-command on t.yaml', '', '| time | decision | phase | reason |', '| --- | --- | --- | --- |', '| 2026-02-16T10:30:00Z | rollback | canary-2 (25%) | a \\| b |']);
    expect(md).toContain(`**End:** ${end.summary}`);
  });

  it('text, two specs: only the instants where they differ', () => {
    const b: DecisionRecord = { ...RECORD, decision: 'hold' };
    const two: SimulationView = { specs: [{ name: 'a', file: 'a.yaml' }, { name: 'b', file: 'b.yaml' }], timeline: 't.yaml', results: [{ records: [RECORD, RECORD], checks: 2, end }, { records: [RECORD, b], checks: 2, end }] };
    expect(linesOf(SIMULATE_RENDERERS.text(two).stdout)).toEqual([
      'A a.yaml vs B b.yaml on t.yaml: 2 checks',
      `2026-02-16T10:30:00Z  A ${decisionRow(RECORD)}`,
      `                      B ${decisionRow(b)}`,
      `end A: ${end.summary}`,
      `end B: ${end.summary}`,
      '',
    ]);
  });

  it('json: the records (of both specs as a and b)', () => {
    expect(JSON.parse(SIMULATE_RENDERERS.json(one).stdout)).toEqual([RECORD]);
    expect(Object.keys(JSON.parse(SIMULATE_RENDERERS.json({ ...one, results: [one.results[0]!, one.results[0]!] }).stdout) as object)).toEqual(['a', 'b']);
  });
});

describe('schedule', () => {
  const view: ScheduleView = { rollout: 'custom-command', cron: '*/5 * * * *', timezone: 'UTC', fromMs: T, count: 2, times: [T + 300_000, T + 600_000] };

  it('text: the cron, then each time local and UTC', () => {
    const out = linesOf(SCHEDULE_RENDERERS.text(view).stdout);
    expect(out[0]).toBe('custom-command: `*/5 * * * *` in UTC, the next 2 checks after 2026-02-16T10:30:00.000Z');
    expect(out[1]).toMatch(/^ {3}1\. .{26} 2026-02-16T10:35:00\.000Z$/);
    expect(out).toHaveLength(4);
  });

  it('json: the times as unix ms, UTC and local', () => {
    const doc = JSON.parse(SCHEDULE_RENDERERS.json(view).stdout) as { from_unix_ms: number; times: { unix_ms: number; utc: string }[] };
    expect(doc.from_unix_ms).toBe(T);
    expect(doc.times.map((t) => t.utc)).toEqual(['2026-02-16T10:35:00.000Z', '2026-02-16T10:40:00.000Z']);
  });
});

describe('inspect', () => {
  const report = { surface_kind: 'custom-command', state_present: false, state_error: 'no state.json', health_reason: 'a b' };

  it('text: one key=value line; json: the report', () => {
    expect(INSPECT_RENDERERS.text({ report }).stdout).toBe('custom-command status inspect: surface_kind=custom-command state_present=false state_error="no state.json" health_reason="a b"\n');
    expect(JSON.parse(INSPECT_RENDERERS.json({ report }).stdout)).toEqual(report);
  });

  it('--transport-health: the row, text and json', () => {
    const row = { transport: 'file', target: 'x', state_path: '/p', health: { ok: true } };
    expect(INSPECT_RENDERERS.text({ transportHealth: row }).stdout).toBe('transport=file target=x state_path=/p ok=true\n');
    expect(JSON.parse(INSPECT_RENDERERS.json({ transportHealth: row }).stdout)).toEqual([row]);
  });

  it('a warning on stderr when the state could not be read', () => {
    expect(renderInspectNotes({ stateDir: '.tau/x', report })).toEqual({ stdout: '', stderr: '.tau/x: warning: state unavailable: no state.json\n' });
    expect(renderInspectNotes({ stateDir: '.tau/x', report: { ...report, state_present: true } }).stderr).toBe('');
  });
});

describe('run', () => {
  it('text: a line per check; json: the record on one line', () => {
    expect(RUN_RENDERERS.text({ name: 'custom-command', nowMs: T, record: RECORD }).stdout).toBe(`2026-02-16T10:30:00.000Z custom-command check 7: ROLLBACK canary-2 (25%): ${RECORD.reasons[0]}\n`);
    const json = RUN_RENDERERS.json({ name: 'custom-command', nowMs: T, record: RECORD }).stdout;
    expect(json.split('\n')).toHaveLength(2);
    expect(JSON.parse(json)).toEqual(RECORD);
  });
});
