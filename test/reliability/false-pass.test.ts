/**
 * Issue 14's table: every garbage value that once promoted, driven through `rollgate evaluate`
 * (the real process) on real files. The healthy baseline waits at T0 and promotes at T1; each
 * row changes one thing before T1 and must then hold or roll back, never promote.
 */
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOOD_REPORT, HARD_LINE, HEALTHY_LINE, loadedSpec, Rollout, T0, T1 } from '../helpers/repro-rollout.js';

type Garbage = [string, (r: Rollout) => void];

const report = (field: string, raw: string): Garbage => [`inputs.report.${field} = ${raw}`, (r) => r.w.raw('report.json', JSON.stringify(GOOD_REPORT).replace(new RegExp(`"${field}":[^,}]+`), `"${field}":${raw}`))];

const ROWS: Garbage[] = [
  // 2. coercion: == 0, == 5 and <= 0.01 over values of another type, or not finite.
  ...['""', '[]', 'false', '"0"', '" "', '[0]', 'null'].map((v) => report('failed', v)),
  ...['"5"', '[5]'].map((v) => report('total', v)),
  ...['null', '""', '[]', 'false', '-1e400', '"0x0"'].map((v) => report('error_rate', v)),
  ['inputs.report.error_rate = YAML ~', (r) => {
    rmSync(r.path('report.json'));
    r.w.raw('report.json', '{"failed": 0, "total": 5, "error_rate": null}');
  }],
  // 4. a snapshot from the future.
  ['state.json dated 9007199254740991', (r) => r.state('{"health":{"updated_unix_ms":9007199254740991}}')],
  ['state.json dated two minutes ahead', (r) => r.state(`{"health":{"updated_unix_ms":${T1 + 120_000}}}`)],
  // 5. lost lines: a hard line rotated away, then lost.
  ['a hard line rotated to .1, then .1 truncated', (r) => {
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    renameSync(r.path('s/runtime-events.jsonl'), r.path('s/runtime-events.jsonl.1'));
    truncateSync(r.path('s/runtime-events.jsonl.1'), 0);
    r.w.raw('s/runtime-events.jsonl', HEALTHY_LINE);
  }],
  ['a hard line rotated to .1, then .1 deleted', (r) => {
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    renameSync(r.path('s/runtime-events.jsonl'), r.path('s/runtime-events.jsonl.1'));
    rmSync(r.path('s/runtime-events.jsonl.1'));
    r.w.raw('s/runtime-events.jsonl', HEALTHY_LINE);
  }],
  ['more rotations than are kept', (r) => {
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    for (let k = 0; k < 12; k++) {
      for (let j = 11; j >= 1; j--) {
        try {
          renameSync(r.path(`s/runtime-events.jsonl.${j}`), r.path(`s/runtime-events.jsonl.${j + 1}`));
        } catch {
          // not there yet
        }
      }
      renameSync(r.path('s/runtime-events.jsonl'), r.path('s/runtime-events.jsonl.1'));
      r.w.raw('s/runtime-events.jsonl', HEALTHY_LINE);
    }
    for (let j = 6; j <= 12; j++) rmSync(r.path(`s/runtime-events.jsonl.${j}`), { force: true });
  }],
  ['the live log deleted', (r) => {
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    rmSync(r.path('s/runtime-events.jsonl'));
  }],
  ['the live log truncated and rewritten', (r) => {
    appendFileSync(r.path('s/runtime-events.jsonl'), HARD_LINE);
    // A real producer's lines carry a timestamp; the same bytes rewritten in place at the same size are indistinguishable from no change.
    writeFileSync(r.path('s/runtime-events.jsonl'), JSON.stringify({ timestamp_unix_ms: T1 - 2000, reason_codes: ['healthy_cycle'] }) + '\n');
  }],
  // 6. invalid lines that may carry reason codes.
  ['reason_codes as a string', (r) => appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":"case_processing_failed"}\n')],
  ['reason_codes with a number in it', (r) => appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":["case_processing_failed",1]}\n')],
  ['a hard line followed by a NUL byte', (r) => appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":["case_processing_failed"]}\u0000\n')],
  // 7. duplicate keys.
  ['state.json with queue_depth twice', (r) => r.state(`{"health":{"updated_unix_ms":${T1 - 1000},"queue_depth":5,"queue_depth":0}}`)],
  ['control-state.json with mode twice', (r) => r.w.raw('s/control-state.json', '{"schema_version":1,"mode":"paused","mode":"running"}')],
  ['a log line with reason_codes twice', (r) => appendFileSync(r.path('s/runtime-events.jsonl'), '{"reason_codes":["case_processing_failed"],"reason_codes":["healthy_cycle"]}\n')],
  ['report.json with failed twice', (r) => r.w.raw('report.json', '{"failed":3,"failed":0,"total":5,"error_rate":0.001}')],
  // 8. control states that are neither running nor paused.
  ...['"Paused"', '"paused "', '"halted"', 'null', '1'].map((mode): Garbage => [`control-state.json mode ${mode}`, (r) => r.w.raw('s/control-state.json', `{"schema_version":1,"mode":${mode}}`)]),
  ['control-state.json starting with a BOM', (r) => r.w.raw('s/control-state.json', '\ufeff{"schema_version":1,"mode":"running"}')],
  ['control-state.json half-written', (r) => r.w.raw('s/control-state.json', '{"schema_version":1,"mo')],
  // 9. wrongly typed producer state.
  ['widget_views: null', (r) => r.freshAtT1(',"widget_views":null,"control_audit":[]')],
  ['processed_case_keys: [1,2]', (r) => r.freshAtT1(',"processed_case_keys":[1,2],"commands":[]')],
  ['last_status_code: 70000', (r) => r.freshAtT1(',"commands":[{"case_key":"k","last_status_code":70000}]')],
  ['schema_version: 2', (r) => r.freshAtT1(',"schema_version":2')],
  ['health.queue_depth: "0"', (r) => r.state(`{"health":{"updated_unix_ms":${T1 - 1000},"queue_depth":"0"}}`)],
];

describe('garbage never promotes (issue 14 items 2, 4-9)', () => {
  it('the healthy baseline waits at T0 and promotes at T1 (the rows below are not vacuous)', () => {
    const r = new Rollout();
    expect(r.evaluate(T0).record.decision).toBe('wait');
    r.freshAtT1();
    const t1 = r.evaluate(T1);
    expect(t1.record.decision).toBe('promote');
    expect(t1.code).toBe(0);
  });

  it.each(ROWS)('%s: hold or rollback at T1, never promote', async (_name, garble) => {
    const r = new Rollout();
    // The first check in-process (same edge code as the CLI), the deciding one through the CLI.
    expect((await r.w.check(loadedSpec(), T0)).decision).toBe('wait');
    r.freshAtT1();
    garble(r);
    const t1 = r.evaluate(T1);
    expect(['hold', 'rollback']).toContain(t1.record.decision);
    expect([1, 2]).toContain(t1.code);
    expect(t1.stderr).not.toMatch(/internal error|RangeError|TypeError/);
  });
});
