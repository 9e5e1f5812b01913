// Control actions: the dialog (who and why), POST /dashboard/actions, and the toast that reports back.
// The name is remembered in this browser (localStorage) and sent as `actor`: the audit log and
// the journal record `dashboard:<name>`.

import { $ } from './dom.js';
import { state } from './state.js';
import { saveToken } from './token.js';

/** What each action does, shown in the dialog; `done` is the verb of the toast. */
export const ACTIONS = {
  pause: { label: 'Pause', done: 'paused', explain: 'Every check holds until the rollout is resumed. Triggers still run and can still roll back.' },
  resume: { label: 'Resume', done: 'resumed', explain: 'The next check decides as usual.' },
  promote: { label: 'Promote', done: 'promoted', explain: 'Move one phase forward now, overriding the gates and skipping the rest of the soak. From the last phase the rollout completes.' },
  abort: { label: 'Abort', done: 'aborted', explain: 'Roll back now: an incident bundle is written and the rollback hooks run.' },
  retry: { label: 'Retry', done: 'retried', explain: 'Start the rolled-back rollout again from its first phase.' },
};

// A callback, not an import of live.js: live.js renders the cards, which import this module.
let afterAction = () => {};

const ACTOR_KEY = 'rollgate.actor';
/** The server's limit (src/server/actions.ts MAX_ACTOR), in characters. */
const MAX_ACTOR = 100;
// Controls, line separators and bidi overrides: the server refuses them too.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function rememberedActor() {
  if (state.actor) return state.actor;
  try {
    return localStorage.getItem(ACTOR_KEY) || '';
  } catch {
    return '';
  }
}

function saveActor(name) {
  state.actor = name;
  try {
    localStorage.setItem(ACTOR_KEY, name);
  } catch {
    // localStorage can be unavailable (privacy modes); the name then lives in memory only.
  }
}

/** Why a name cannot be sent, as a sentence; null when it can. */
export function actorProblem(name) {
  if (!name) return 'Your name is required: it is recorded with the action as dashboard:<name>.';
  if ([...name].length > MAX_ACTOR) return `Your name is over ${MAX_ACTOR} characters.`;
  if (UNPRINTABLE.test(name)) return 'Your name has control characters; use plain text on one line.';
  return null;
}

/** Wires the dialog's form; `onDone` runs after every accepted action (app.js: reload the data). */
export function initActionDialog(onDone) {
  afterAction = onDone;
  $('reason-form').addEventListener('submit', submitAction);
  $('reason-cancel').addEventListener('click', closeDialog);
  $('reason-dialog').addEventListener('close', () => { state.pending = null; });
}

export function openActionDialog(action, rollout) {
  const dialog = $('reason-dialog');
  const info = ACTIONS[action];
  state.pending = { action, rollout };
  $('dialog-title').textContent = `${info.label} ${rollout}?`;
  $('dialog-explain').textContent = info.explain;
  $('actor-input').value = rememberedActor();
  $('reason-input').value = '';
  $('token-input').value = '';
  showDialogError(null);
  showTokenField(!state.token);
  const submit = $('reason-submit');
  submit.textContent = info.label;
  submit.disabled = false;
  submit.classList.toggle('btn-danger', action === 'abort');
  if (!dialog.open) dialog.showModal();
  ($('actor-input').value ? $('reason-input') : $('actor-input')).focus();
}

function showTokenField(show) {
  $('token-field').hidden = !show;
  $('token-input').required = show;
}

function showDialogError(message) {
  const node = $('dialog-error');
  node.textContent = message || '';
  node.hidden = !message;
}

async function submitAction(event) {
  event.preventDefault();
  const pending = state.pending;
  if (!pending || state.sending) return;
  const actor = $('actor-input').value.trim();
  const problem = actorProblem(actor);
  if (problem) {
    showDialogError(problem);
    $('actor-input').focus();
    return;
  }
  const reason = $('reason-input').value.trim();
  if (!reason) {
    showDialogError('A reason is required.');
    $('reason-input').focus();
    return;
  }
  if (!$('token-field').hidden) {
    const typed = $('token-input').value.trim();
    if (!typed) {
      showDialogError('The dashboard token is required.');
      $('token-input').focus();
      return;
    }
    saveToken(typed);
  }
  saveActor(actor);
  const submit = $('reason-submit');
  submit.disabled = true;
  state.sending = true;
  showDialogError(null);
  try {
    const result = await postAction(pending.action, pending.rollout, reason, actor);
    if (result.ok) {
      closeDialog();
      showToast(`${ACTIONS[pending.action].done} ${pending.rollout}`, 'ok');
      afterAction();
    } else if (result.status === 401) {
      // The token is missing or wrong: forget it and ask again, keeping the reason.
      saveToken(null);
      showTokenField(true);
      showDialogError(result.error || 'The token was not accepted.');
      showToast(result.error || 'The token was not accepted.', 'error');
      $('token-input').focus();
    } else if (result.status === 400) {
      // Something typed was refused (the name, the reason): say why, keep what was typed.
      showDialogError(result.error);
    } else {
      closeDialog();
      showToast(result.error, 'error');
    }
  } finally {
    submit.disabled = false;
    state.sending = false;
  }
}

/** POST /dashboard/actions; resolves to { ok, status, error }. */
async function postAction(action, rollout, reason, actor) {
  let res;
  try {
    res = await fetch('/dashboard/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${state.token || ''}` },
      body: JSON.stringify({ action, rollout, reason, actor }),
    });
  } catch (err) {
    return { ok: false, status: 0, error: `Could not reach the server: ${err.message}` };
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const error = body && typeof body.error === 'string' ? body.error : `${action} failed (HTTP ${res.status})`;
  return { ok: res.ok, status: res.status, error: res.ok ? null : error, body };
}

function closeDialog() {
  const dialog = $('reason-dialog');
  if (dialog.open) dialog.close();
  state.pending = null;
}

let toastTimer = null;

function showToast(message, kind) {
  const toast = $('toast');
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('visible'), kind === 'error' ? 10000 : 5000);
}
