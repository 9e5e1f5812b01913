/**
 * Runs the hooks a decision asks for and folds their outcome into it: a failed promote or
 * complete hook keeps the phase (the decision's `ifHooksFail` variant); any other failed hook is
 * remembered in `pending_hooks` and retried at the next checks. Shared by evaluate and control.
 */
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { runHooks } from '../hooks/run-hooks.js';
import type { HookEvent, Spec } from '../spec/types.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export interface Decided {
  record: DecisionRecord;
  next: RolloutState;
}

export async function applyHooks(
  spec: Spec,
  events: readonly HookEvent[],
  decided: Decided,
  ifHooksFail: Decided | null,
  ctx: { cwd: string; recordPath: string; nowMs: number },
): Promise<Decided> {
  let { record, next } = decided;
  const results = [];
  for (const event of events) {
    writeFileAtomic(ctx.recordPath, JSON.stringify(record, null, 2) + '\n');
    const run = await runHooks(event, spec.hooks[event], record, ctx);
    results.push(...run.results);
    if (run.ok) continue;
    const failed = run.results[run.results.length - 1]!;
    if ((event === 'promote' || event === 'complete') && ifHooksFail) {
      record = { ...ifHooksFail.record, notes: record.notes, reasons: [`the ${event} hook \`${failed.hook}\` failed (${failed.message}), so the phase is kept`, ...record.reasons] };
      next = ifHooksFail.next;
    } else {
      next = { ...next, pending_hooks: [{ event, since_unix_ms: ctx.nowMs, attempts: 1, last_error: `${failed.hook}: ${failed.message}` }] };
      record = { ...record, reasons: [...record.reasons, `the ${event} hook \`${failed.hook}\` failed (${failed.message}); it is retried at every check until it succeeds`] };
    }
  }
  return { record: { ...record, hooks: results }, next };
}
