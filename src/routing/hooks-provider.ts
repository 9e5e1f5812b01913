/**
 * The spec's hooks as a traffic provider: runs the hooks a decision asks for and folds their
 * outcome into it. A failed promote or complete hook keeps the phase (the decision's `ifFails`
 * variant); any other failed hook is remembered in `pending_hooks` and retried at the next checks.
 */
import type { HookResult } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import { runHooks } from '../hooks/run-hooks.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { Decided, TrafficProvider } from './provider.js';

export const hooksProvider: TrafficProvider = {
  name: 'hooks',

  async apply({ spec, events, decided, ifFails, nowMs, cwd, recordPath }): Promise<Decided> {
    let { record, next } = decided;
    const results: HookResult[] = [];
    for (const event of events) {
      if (recordPath !== null) writeFileAtomic(recordPath, JSON.stringify(record, null, 2) + '\n');
      const run = await runHooks(event, spec.hooks[event], record, { cwd, recordPath: recordPath ?? '' });
      results.push(...run.results);
      if (run.ok) continue;
      const failed = run.results[run.results.length - 1]!;
      if ((event === 'promote' || event === 'complete') && ifFails) {
        record = { ...ifFails.record, notes: record.notes, reasons: [`the ${event} hook \`${failed.hook}\` failed (${failed.message}), so the phase is kept`, ...record.reasons] };
        next = ifFails.next;
      } else {
        next = { ...next, pending_hooks: [{ event, since_unix_ms: nowMs, attempts: 1, last_error: `${failed.hook}: ${failed.message}` }] };
        record = { ...record, reasons: [...record.reasons, `the ${event} hook \`${failed.hook}\` failed (${failed.message}); it is retried at every check until it succeeds`] };
      }
    }
    return { record: { ...record, hooks: [...record.hooks, ...results] }, next };
  },

  async retry(spec, state, record, { cwd, recordPath }) {
    if (state.pending_hooks.length === 0) return { results: [], state };
    const results: HookResult[] = [];
    const pending: RolloutState['pending_hooks'] = [];
    for (const p of state.pending_hooks) {
      const run = await runHooks(p.event, spec.hooks[p.event], record, { cwd, recordPath: recordPath ?? '' });
      results.push(...run.results);
      if (!run.ok) {
        const failed = run.results[run.results.length - 1]!;
        pending.push({ ...p, attempts: p.attempts + 1, last_error: `${failed.hook}: ${failed.message}` });
      }
    }
    return { results, state: { ...state, pending_hooks: pending } };
  },
};
