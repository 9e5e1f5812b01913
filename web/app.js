// rollgate serve — browser dashboard (entry module).
//
// Loads /dashboard/{widgets,alerts,health} once, then follows /dashboard/stream (server-sent
// events) and re-renders on every `dashboard.snapshot`. Everything is built with DOM APIs and
// textContent: data from the server is never parsed as HTML.
//
// Control actions (pause, resume, promote, abort, retry) ask for a reason in #reason-dialog and
// POST /dashboard/actions with the bearer token taken from `#token=...` on load.
//
// Modules (plain ES modules, no build step; the server serves exactly this list, see
// WEB_MODULES in src/server/http-server.ts):
//   state.js         shared state and names         dom.js      element helpers (text only)
//   format.js        durations, times, percent      header.js   top bar and stale banner
//   alerts.js        the alert list                 render.js   redraws the page from state
//   rollout-card.js  one rollout's card             history-chart.js  the SVG history chart
//   live.js          initial fetch and event stream token.js    the bearer token
//   actions.js       reason dialog, POST, toast

import { initActionDialog } from './actions.js';
import { setConnection, renderSnapshotTime, renderStaleBanner } from './header.js';
import { connect, loadAll } from './live.js';
import { renderAll } from './render.js';
import { initToken, takeTokenFromHash } from './token.js';

function init() {
  initToken();
  // A `#token=...` pasted into an open tab only changes the hash; pick it up too.
  window.addEventListener('hashchange', takeTokenFromHash);
  initActionDialog(loadAll);
  setConnection(false);
  renderAll();
  loadAll();
  connect();
  // The "(12s ago)" next to the snapshot time ticks without re-rendering the cards.
  setInterval(() => {
    renderSnapshotTime();
    renderStaleBanner();
  }, 1000);
}

init();
