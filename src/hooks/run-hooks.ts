/**
 * Runs the hooks of one event in order, stopping at the first failure (the whole list is
 * retried later, so hooks should be idempotent: "set weight to 25", not "add 20").
 */
import type { DecisionRecord, HookResult } from '../engine/record.js';
import type { HookEvent, HookSpec } from '../spec/types.js';
import { postWebhook } from './post-webhook.js';
import { runCommand } from './run-command.js';

export interface HookRun {
  ok: boolean;
  results: HookResult[];
}

export async function runHooks(event: HookEvent, hooks: readonly HookSpec[], record: DecisionRecord, ctx: { cwd: string; recordPath: string }): Promise<HookRun> {
  const results: HookResult[] = [];
  for (const hook of hooks) {
    const name = hook.kind === 'run' ? hook.argv.join(' ') : hook.url;
    const outcome = hook.kind === 'run'
      ? await runCommand(hook.argv, {
          cwd: ctx.cwd,
          timeoutMs: hook.timeoutMs,
          env: {
            ...hook.env,
            ROLLGATE_ROLLOUT: record.rollout,
            ROLLGATE_DECISION: record.decision,
            ROLLGATE_PHASE: record.phase.name,
            ROLLGATE_TRAFFIC: String(record.decision === 'rollback' ? 0 : record.phase.traffic),
            ROLLGATE_RECORD: ctx.recordPath,
          },
        })
      : await postWebhook(hook.url, record, {
          // One key per rollout, check and event: a receiver drops the repeat of a hook that a
          // lost race (or a retry after a failed commit) sends again.
          headers: { 'idempotency-key': `${record.rollout}/${record.check}/${event}`, ...hook.headers },
          timeoutMs: hook.timeoutMs,
        });
    results.push({ event, hook: name, ok: outcome.ok, message: outcome.message });
    if (!outcome.ok) return { ok: false, results };
  }
  return { ok: true, results };
}
