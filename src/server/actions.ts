/** POST /dashboard/actions: checked, then applied exactly like `rollgate control` (audited, journaled). */
import type { ManualAction } from '../engine/manual-action.js';
import { runControl } from '../runner/run-control.js';
import { openStore } from '../store/open-store.js';
import { StoreError } from '../store/store-error.js';
import type { Dashboard } from './dashboard.js';
import { HttpError } from './http-error.js';

const ACTIONS = ['pause', 'resume', 'refresh', 'abort', 'promote', 'retry'] as const;
type Action = (typeof ACTIONS)[number];
const MAX_TEXT = 500;

export async function handleAction(dashboard: Dashboard, body: unknown, place: { root: string; store: string }) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object: {"action":"pause","rollout":"name","reason":"why"}');
  const b = body as Record<string, unknown>;
  if (typeof b.action !== 'string' || !(ACTIONS as readonly string[]).includes(b.action)) throw new HttpError(400, `unknown action ${JSON.stringify(b.action)}; one of ${ACTIONS.join(', ')}`);
  const action = b.action as Action;
  if (b.rollout !== undefined && typeof b.rollout !== 'string') throw new HttpError(400, '`rollout` must be a string');
  if (b.rollout === undefined && dashboard.specs.length > 1) throw new HttpError(400, `name the rollout: this server serves ${dashboard.specs.map((s) => s.name).join(', ')}`);
  const spec = b.rollout === undefined ? dashboard.specs[0]! : dashboard.spec(b.rollout as string);
  if (!spec) throw new HttpError(404, `no rollout ${JSON.stringify(b.rollout)} here; served: ${dashboard.specs.map((s) => s.name).join(', ')}`);
  const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
  if (action !== 'refresh' && reason === '') throw new HttpError(400, `a \`reason\` is required for ${action} (it goes to the audit log and the journal)`);
  if (reason.length > MAX_TEXT) throw new HttpError(400, `\`reason\` is over ${MAX_TEXT} characters`);
  const actor = typeof b.actor === 'string' && b.actor.trim() !== '' ? `dashboard:${b.actor.trim().slice(0, 100)}` : 'dashboard';
  const nowMs = Date.now();

  if (action === 'refresh') {
    const store = openStore(place.store, spec.name);
    let paused: 'paused' | 'running';
    try {
      paused = (await store.load())?.pause ? 'paused' : 'running';
      await store.audit({ schema_version: 1, request_id: `dashboard-action-${nowMs}`, action, actor, reason: reason || 'refresh', status: 'accepted', timestamp_unix_ms: nowMs, control_mode: paused, rollout: spec.name });
    } finally {
      await store.close();
    }
    await dashboard.rebuild();
    // A refresh that failed says so here too (and in every payload).
    const refreshError = dashboard.current.health.rollouts.find((r) => r.rollout === spec.name)?.refresh_error ?? null;
    return { schema_version: 1, status: 'accepted', request_id: `dashboard-action-${nowMs}`, action, rollout: spec.name, control_mode: paused, refresh_error: refreshError };
  }
  let result;
  try {
    result = await runControl(spec, action as ManualAction, { root: place.root, store: place.store, nowMs, actor, reason });
  } catch (err) {
    if (err instanceof StoreError) throw new HttpError(err.exitCode === 75 ? 409 : 500, err.message);
    throw err;
  }
  if (!result.ok) throw new HttpError(409, result.message);
  await dashboard.rebuild();
  const r = result.record;
  return {
    schema_version: 1,
    status: 'accepted',
    request_id: `rollgate-action-${nowMs}`,
    action,
    rollout: spec.name,
    control_mode: r.status === 'paused' ? 'paused' : 'running',
    record: { check: r.check, decision: r.decision, rollout_gate: r.rollout_gate, status: r.status, phase: r.phase, reasons: r.reasons },
  };
}
