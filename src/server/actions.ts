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
/** Characters of the name the page asks for (the audit line's `dashboard:<name>`). */
const MAX_ACTOR = 100;
// C0, DEL and C1 controls, line and paragraph separators, bidi overrides: a name is one plain line.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Who acts: `dashboard:<actor>` for the name the page sends; plain `dashboard` when a script
 * leaves `actor` out. A name that is given must be one: not empty, one plain line, capped.
 */
function actorOf(given: unknown): string {
  if (given === undefined) return 'dashboard';
  if (typeof given !== 'string') throw new HttpError(400, '`actor` must be a string: your name, recorded as dashboard:<name>');
  const name = given.trim();
  if (name === '') throw new HttpError(400, 'the name is empty: say who you are (it is recorded as dashboard:<name> in the audit log and the journal)');
  if ([...name].length > MAX_ACTOR) throw new HttpError(400, `the name is over ${MAX_ACTOR} characters`);
  if (UNPRINTABLE.test(name)) throw new HttpError(400, 'the name has control or bidirectional-override characters; use plain text on one line');
  return `dashboard:${name}`;
}

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
  const actor = actorOf(b.actor);
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
