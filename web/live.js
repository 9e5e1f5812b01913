// The data: the three payloads fetched once, then the event stream (/dashboard/stream), which
// sends a full snapshot on every change and is reopened when the browser gives up on it.

import { setConnection } from './header.js';
import { renderAll } from './render.js';
import { state } from './state.js';

const RECONNECT_DELAY_MS = 3000;

/** Keeps the newest `generated_unix_ms` as the snapshot time. */
function noteGenerated(ms) {
  if (Number.isFinite(ms) && (!state.snapshotMs || ms > state.snapshotMs)) state.snapshotMs = ms;
}

/** Fetches the three payloads; one that is older than what is shown already is dropped. */
export async function loadAll() {
  const endpoints = { widgets: '/dashboard/widgets', alerts: '/dashboard/alerts', health: '/dashboard/health' };
  await Promise.all(Object.entries(endpoints).map(async ([key, url]) => {
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      const body = await res.json();
      const current = state[key];
      if (current && current.generated_unix_ms > body.generated_unix_ms) return;
      state[key] = body;
      noteGenerated(body.generated_unix_ms);
    } catch (err) {
      console.warn('rollgate: could not load', url, err);
    }
  }));
  renderAll();
}

function onSnapshot(event) {
  let snapshot;
  try {
    snapshot = JSON.parse(event.data);
  } catch (err) {
    console.warn('rollgate: bad snapshot', err);
    return;
  }
  setConnection(true);
  state.health = snapshot.health ?? state.health;
  state.widgets = snapshot.widgets ?? state.widgets;
  state.alerts = snapshot.alerts ?? state.alerts;
  state.snapshotMs = snapshot.generated_unix_ms ?? state.snapshotMs;
  renderAll();
}

/** The server restarted its sequence: forget everything and wait for the next snapshot. */
function onReset() {
  state.health = null;
  state.widgets = null;
  state.alerts = null;
  state.snapshotMs = null;
  state.placeholder = 'Waiting for the next snapshot…';
  renderAll();
}

export function connect() {
  const source = new EventSource('/dashboard/stream');
  state.source = source;
  source.addEventListener('open', () => setConnection(true));
  source.addEventListener('dashboard.snapshot', onSnapshot);
  source.addEventListener('dashboard.reset', onReset);
  source.addEventListener('error', () => {
    setConnection(false);
    // The browser retries by itself unless the stream is CLOSED (e.g. an HTTP error status).
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(() => {
        if (state.source === source) connect();
      }, RECONNECT_DELAY_MS);
    }
  });
}
