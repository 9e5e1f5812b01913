// Control actions: the reason dialog, POST /dashboard/actions, and the toast that reports back.

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
  $('reason-input').value = '';
  $('token-input').value = '';
  showDialogError(null);
  showTokenField(!state.token);
  const submit = $('reason-submit');
  submit.textContent = info.label;
  submit.disabled = false;
  submit.classList.toggle('btn-danger', action === 'abort');
  if (!dialog.open) dialog.showModal();
  $('reason-input').focus();
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
  const submit = $('reason-submit');
  submit.disabled = true;
  state.sending = true;
  showDialogError(null);
  try {
    const result = await postAction(pending.action, pending.rollout, reason);
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
async function postAction(action, rollout, reason) {
  let res;
  try {
    res = await fetch('/dashboard/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${state.token || ''}` },
      body: JSON.stringify({ action, rollout, reason }),
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
