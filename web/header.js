// The top bar (overall health, connection, snapshot time) and the stale-data banner.

import { $, el } from './dom.js';
import { formatAgo, formatTime } from './format.js';
import { state } from './state.js';

export function renderOverall() {
  const badge = $('overall');
  const overall = state.health ? state.health.overall : null;
  badge.textContent = overall || '…';
  badge.dataset.state = overall || 'unknown';
}

const CONNECTION_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting' };

/**
 * The stream's state: `live`, else `connecting` until it has been live once (a page that never
 * reached the server does not say it lost it), `reconnecting` after that.
 */
export function setConnection(live) {
  if (live) state.everConnected = true;
  const name = live ? 'live' : state.everConnected ? 'reconnecting' : 'connecting';
  const node = $('connection');
  node.textContent = CONNECTION_TEXT[name];
  node.dataset.state = name;
}

export function renderSnapshotTime() {
  $('snapshot-time').textContent = state.snapshotMs ? formatTime(state.snapshotMs) : '—';
  if (state.snapshotMs) $('snapshot-time').dateTime = new Date(state.snapshotMs).toISOString();
  $('snapshot-age').textContent = state.snapshotMs ? `(${formatAgo(state.snapshotMs)})` : '';
}

/** A banner while a rollout cannot be refreshed: the data below is old, and why. */
export function renderStaleBanner() {
  const banner = $('stale-banner');
  const failing = state.health ? state.health.rollouts.filter((r) => r.refresh_error) : [];
  banner.hidden = failing.length === 0;
  banner.replaceChildren(...failing.map((r) => el('p', {}, [
    el('strong', { text: `${r.rollout}: not refreshing. ` }),
    el('span', { text: r.refresh_error }),
    el('span', { class: 'muted', text: Number.isFinite(r.last_good_unix_ms) ? ` Shown: data from ${formatTime(r.last_good_unix_ms)} (${formatAgo(r.last_good_unix_ms)}).` : ' Nothing could be read yet.' }),
  ])));
}
