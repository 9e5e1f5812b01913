// The bearer token for /dashboard/actions: taken from `#token=...`, kept per tab in
// sessionStorage (never in the address bar, the history or localStorage).

import { state } from './state.js';

const TOKEN_KEY = 'rollgate.token';

/** Reads `#token=...`, keeps it in sessionStorage and removes it from the address bar. */
export function takeTokenFromHash() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return;
  let token = match[1];
  try {
    token = decodeURIComponent(token);
  } catch {
    // Not percent-encoded after all: use it as it is.
  }
  if (token) saveToken(token);
  history.replaceState(null, '', location.pathname + location.search);
}

/** The token from the URL (on load), else the one kept for this tab. */
export function initToken() {
  takeTokenFromHash();
  if (!state.token) {
    try {
      state.token = sessionStorage.getItem(TOKEN_KEY) || null;
    } catch {
      state.token = null;
    }
  }
}

export function saveToken(token) {
  state.token = token;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // sessionStorage can be unavailable (privacy modes); the token then lives in memory only.
  }
}
