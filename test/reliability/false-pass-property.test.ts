/**
 * Property (issue 14): for generated state, log, control and input files, garbage, duplicate
 * keys, future timestamps and lost lines included, a check never promotes unless every gate
 * input is well-typed, fresh and complete. Real files, the real edge (runCheck, which
 * `rollgate evaluate` calls), two checks per case: T0 on the healthy baseline, T1 after the change.
 */
import fc from 'fast-check';
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/runner/run-check.js';
import { GOOD_REPORT, HARD_LINE, HEALTHY_LINE, loadedSpec, Rollout, T0, T1 } from '../helpers/repro-rollout.js';

const RUNS = process.env.CI ? 60 : 150;

/** Each generated piece: its text (or an action on the files) and whether it is clean. */
type Piece<T> = { value: T; clean: boolean };
const clean = <T>(value: T): Piece<T> => ({ value, clean: true });
const dirty = <T>(value: T): Piece<T> => ({ value, clean: false });

const health = (extra: string) => `{"schema_version":1,"processed_case_keys":["a"],"commands":[],"health":{"updated_unix_ms":${T1 - 1000}${extra}}}`;
const STATES: Piece<string | null>[] = [
  clean(health('')),
  clean(health(',"queue_depth":1')),
  dirty(health(',"queue_depth":2')),
  dirty(health(',"queue_depth":5,"queue_depth":0')),
  dirty(health(',"queue_depth":"0"')),
  dirty(health(',"failure_streak":1')),
  dirty(`{"health":{"updated_unix_ms":${T1 + 10 * 60_000}}}`),
  dirty('{"health":{"updated_unix_ms":9007199254740991}}'),
  dirty(`{"health":{"updated_unix_ms":${T1 - 20 * 60_000}}}`),
  dirty(`{"schema_version":2,"health":{"updated_unix_ms":${T1 - 1000}}}`),
  dirty(`{"processed_case_keys":[1,2],"health":{"updated_unix_ms":${T1 - 1000}}}`),
  dirty(`{"widget_views":null,"control_audit":[],"health":{"updated_unix_ms":${T1 - 1000}}}`),
  dirty(`{"commands":[{"last_status_code":70000}],"health":{"updated_unix_ms":${T1 - 1000}}}`),
  dirty('{"health":{"updated_unix_ms":'),
  dirty(''),
  dirty(null),
];

const CONTROLS: Piece<string | null>[] = [
  clean(null),
  clean('{"schema_version":1,"mode":"running","updated_unix_ms":1,"last_action":null}'),
  dirty('{"schema_version":1,"mode":"paused"}'),
  dirty('{"schema_version":1,"mode":"Paused"}'),
  dirty('{"schema_version":1,"mode":"paused "}'),
  dirty('{"schema_version":1,"mode":"halted"}'),
  dirty('{"schema_version":1,"mode":"paused","mode":"running"}'),
  dirty('\ufeff{"schema_version":1,"mode":"running"}'),
  dirty('{"schema_version":1,"mo'),
];

/** Lines appended between T0 and T1. */
const LINES: Piece<string>[] = [
  clean(HEALTHY_LINE),
  clean('invalid-json-line\n'),
  clean('\n'),
  dirty(HARD_LINE),
  dirty('{"reason_codes":"case_processing_failed"}\n'),
  dirty('{"reason_codes":["case_processing_failed",1]}\n'),
  dirty('{"reason_codes":["case_processing_failed"]}\u0000\n'),
  dirty('{"reason_codes":["healthy_cycle"],"reason_codes":["case_processing_failed"]}\n'),
];

type LogOp = 'none' | 'rotate' | 'rotate-and-delete' | 'rotate-and-truncate' | 'delete-live' | 'truncate-live';
const LOG_OPS: Piece<LogOp>[] = [clean('none'), clean('rotate'), dirty('rotate-and-delete'), dirty('rotate-and-truncate'), dirty('delete-live'), dirty('truncate-live')];

const REPORTS: Piece<string>[] = [
  clean(JSON.stringify(GOOD_REPORT)),
  ...['""', '[]', 'false', '"0"', '" "', '[0]', 'null', '1'].map((v) => dirty(JSON.stringify(GOOD_REPORT).replace('"failed":0', `"failed":${v}`))),
  ...['null', '""', '-1e400', '1e400', '"0x0"', '0.5'].map((v) => dirty(JSON.stringify(GOOD_REPORT).replace('"error_rate":0.001', `"error_rate":${v}`))),
  dirty('{"failed":3,"failed":0,"total":5,"error_rate":0.001}'),
  dirty('{"failed":0,"total":5'),
];

function applyLog(r: Rollout, lines: string[], op: LogOp): void {
  const live = r.path('s/runtime-events.jsonl');
  if (op === 'none') {
    appendFileSync(live, lines.join(''));
    return;
  }
  // Half the lines before the file operation, the rest into the (new) live file after it.
  const half = Math.ceil(lines.length / 2);
  appendFileSync(live, lines.slice(0, half).join(''));
  if (op === 'delete-live') rmSync(live);
  else if (op === 'truncate-live') truncateSync(live, 0);
  else {
    renameSync(live, `${live}.1`);
    if (op === 'rotate-and-delete') rmSync(`${live}.1`);
    if (op === 'rotate-and-truncate') truncateSync(`${live}.1`, 0);
  }
  // The producer's next line carries the time: a new or truncated file never starts with the very bytes of the old one.
  appendFileSync(live, JSON.stringify({ timestamp_unix_ms: T1 - 2000, reason_codes: ['healthy_cycle'] }) + '\n' + lines.slice(half).join(''));
}

/** Clean three times in four, so that every piece clean together (which must promote) is common. */
const pick = <T>(items: Piece<T>[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...items.filter((p) => p.clean)), weight: 3 }, { arbitrary: fc.constantFrom(...items.filter((p) => !p.clean)), weight: 1 });

describe('never promotes on data that is not well-typed, fresh and complete', () => {
  it('generated state, control, log lines, log file operations and inputs', async () => {
    let promoted = 0;
    await fc.assert(fc.asyncProperty(
      pick(STATES), pick(CONTROLS), fc.array(pick(LINES), { minLength: 1, maxLength: 4 }), pick(LOG_OPS), pick(REPORTS),
      async (state, control, lines, op, report) => {
        const r = new Rollout();
        const spec = loadedSpec();
        const place = { root: r.w.root, store: r.path('.rollgate'), dryRun: false };
        expect((await runCheck(spec, { ...place, nowMs: T0 })).record.decision).toBe('wait');
        if (state.value === null) rmSync(r.path('s/state.json'));
        else writeFileSync(r.path('s/state.json'), state.value);
        if (control.value !== null) writeFileSync(r.path('s/control-state.json'), control.value);
        applyLog(r, lines.map((l) => l.value), op.value);
        writeFileSync(r.path('report.json'), report.value);
        const decision = (await runCheck(spec, { ...place, nowMs: T1 })).record.decision;
        const allClean = [state, control, op, report, ...lines].every((p) => p.clean);
        if (!allClean) expect(['hold', 'rollback'], `${JSON.stringify({ state, control, lines, op, report })}`).toContain(decision);
        else {
          // Clean data promotes: the property is not vacuous.
          expect(decision).toBe('promote');
          promoted++;
        }
      },
    ), { numRuns: RUNS });
    expect(promoted).toBeGreaterThan(0);
  });
});
