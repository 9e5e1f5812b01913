// What the modules share: the page's data and UI state, and the status and decision names
// several views need. One mutable object, so every module sees the same values.

/** Statuses after which nothing more happens (no actions but retry, no live chart tail). */
export const TERMINAL = new Set(['rolled_back', 'complete']);
/** Decisions in legend order; a dot of any other decision is drawn as `other`. */
export const DECISIONS = ['promote', 'wait', 'hold', 'rollback', 'complete'];

export const state = {
  health: null, // /dashboard/health payload
  widgets: null, // /dashboard/widgets payload
  alerts: null, // /dashboard/alerts payload
  snapshotMs: null, // generated_unix_ms of the newest data shown
  token: null, // bearer token for /dashboard/actions
  pending: null, // { action, rollout } while the dialog is open
  sending: false, // an action POST is in flight
  source: null, // the current EventSource
  everConnected: false, // the stream was live once: a lost one is then "reconnecting", not "connecting"
  actor: null, // the name the dialog asked for (remembered in localStorage)
  cards: new Map(), // rollout name -> { key, node }: skip rebuilding unchanged cards
  placeholder: 'Loading rollouts…', // shown while there is no widgets payload
};
