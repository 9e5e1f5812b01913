// rollgate serve — browser dashboard.
//
// Loads /dashboard/{widgets,alerts,health} once, then follows /dashboard/stream (server-sent
// events) and re-renders on every `dashboard.snapshot`. Everything is built with DOM APIs and
// textContent: data from the server is never parsed as HTML.
//
// Control actions (pause, resume, promote, abort, retry) ask for a reason in #reason-dialog and
// POST /dashboard/actions with the bearer token taken from `#token=...` on load.

'use strict';

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
const TOKEN_KEY = 'rollgate.token';
const RECONNECT_DELAY_MS = 3000;
const TERMINAL = new Set(['rolled_back', 'complete']);
const DECISIONS = ['promote', 'wait', 'hold', 'rollback', 'complete'];
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };

/** What each action does, shown in the dialog; `done` is the verb of the toast. */
const ACTIONS = {
  pause: { label: 'Pause', done: 'paused', explain: 'Every check holds until the rollout is resumed. Triggers still run and can still roll back.' },
  resume: { label: 'Resume', done: 'resumed', explain: 'The next check decides as usual.' },
  promote: { label: 'Promote', done: 'promoted', explain: 'Move one phase forward now, overriding the gates and skipping the rest of the soak. From the last phase the rollout completes.' },
  abort: { label: 'Abort', done: 'aborted', explain: 'Roll back now: an incident bundle is written and the rollback hooks run.' },
  retry: { label: 'Retry', done: 'retried', explain: 'Start the rolled-back rollout again from its first phase.' },
};

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

const state = {
  health: null, // /dashboard/health payload
  widgets: null, // /dashboard/widgets payload
  alerts: null, // /dashboard/alerts payload
  snapshotMs: null, // generated_unix_ms of the newest data shown
  token: null, // bearer token for /dashboard/actions
  pending: null, // { action, rollout } while the dialog is open
  sending: false, // an action POST is in flight
  source: null, // the current EventSource
  cards: new Map(), // rollout name -> { key, node }: skip rebuilding unchanged cards
  placeholder: 'Loading rollouts…', // shown while there is no widgets payload
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only, never HTML)
// ---------------------------------------------------------------------------------------------

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `attrs`, `title`, `hidden`, `on`
 * (event handlers); `children`: nodes, strings (as text) or null/false (skipped).
 */
function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

/** Creates an SVG element with the given attributes; `text` sets its text content. */
function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'text') node.textContent = String(value);
    else if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function applyProps(node, props) {
  if (props.class) node.className = props.class;
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.title) node.title = props.title;
  if (props.hidden) node.hidden = true;
  for (const [k, v] of Object.entries(props.dataset || {})) {
    if (v !== null && v !== undefined) node.dataset[k] = String(v);
  }
  for (const [k, v] of Object.entries(props.attrs || {})) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [event, handler] of Object.entries(props.on || {})) node.addEventListener(event, handler);
}

function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A coloured pill; `stateName` picks the colour (see style.css `.pill[data-state]`). */
function pill(text, stateName, props = {}) {
  return el('span', { ...props, class: `pill ${props.class || ''}`.trim(), text, dataset: { ...(props.dataset || {}), state: stateName } });
}

/** A titled block inside a card. */
function block(title, children, extraClass = '') {
  return el('div', { class: `block ${extraClass}`.trim() }, [el('h3', { class: 'block-title', text: title }), ...children]);
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/**
 * A duration as people say it: "42s", "3m", "1h 30m", "2d 4h". `round` (Math.floor by default)
 * rounds to the unit shown, so held time can floor and remaining time can ceil.
 */
function formatDuration(ms, round = Math.floor) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, ms) / 1000;
  const secs = round(s);
  if (secs < 60) return `${secs}s`;
  const totalMin = round(s / 60);
  if (totalMin < 60) return `${totalMin}m`;
  const h = Math.floor(totalMin / 60);
  const rm = totalMin % 60;
  if (h < 24) return rm ? `${h}h ${rm}m` : `${h}h`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return rh ? `${d}d ${rh}h` : `${d}d`;
}

/** Local wall-clock time; adds the date when it is not today. */
function formatTime(ms, withSeconds = true) {
  if (!Number.isFinite(ms)) return '—';
  const date = new Date(ms);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: withSeconds ? '2-digit' : undefined, hour12: false });
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** "3m ago", relative to the browser's clock. */
function formatAgo(ms) {
  if (!Number.isFinite(ms)) return '';
  return `${formatDuration(Date.now() - ms)} ago`;
}

function percent(traffic) {
  return Number.isFinite(traffic) ? `${traffic}%` : '—';
}

// ---------------------------------------------------------------------------------------------
// Global header
// ---------------------------------------------------------------------------------------------

function renderOverall() {
  const badge = $('overall');
  const overall = state.health ? state.health.overall : null;
  badge.textContent = overall || '…';
  badge.dataset.state = overall || 'unknown';
}

function setConnection(live) {
  const node = $('connection');
  node.textContent = live ? 'live' : 'reconnecting';
  node.dataset.state = live ? 'live' : 'reconnecting';
}

function renderSnapshotTime() {
  $('snapshot-time').textContent = state.snapshotMs ? formatTime(state.snapshotMs) : '—';
  if (state.snapshotMs) $('snapshot-time').dateTime = new Date(state.snapshotMs).toISOString();
  $('snapshot-age').textContent = state.snapshotMs ? `(${formatAgo(state.snapshotMs)})` : '';
}

/** A banner while a rollout cannot be refreshed: the data below is old, and why. */
function renderStaleBanner() {
  const banner = $('stale-banner');
  const failing = state.health ? state.health.rollouts.filter((r) => r.refresh_error) : [];
  banner.hidden = failing.length === 0;
  banner.replaceChildren(...failing.map((r) => el('p', {}, [
    el('strong', { text: `${r.rollout}: not refreshing. ` }),
    el('span', { text: r.refresh_error }),
    el('span', { class: 'muted', text: Number.isFinite(r.last_good_unix_ms) ? ` Shown: data from ${formatTime(r.last_good_unix_ms)} (${formatAgo(r.last_good_unix_ms)}).` : ' Nothing could be read yet.' }),
  ])));
}

// ---------------------------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------------------------

function renderAlerts() {
  const list = $('alerts');
  const alerts = state.alerts ? [...state.alerts.alerts] : [];
  alerts.sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9));
  list.replaceChildren(...alerts.map(alertItem));
  list.hidden = alerts.length === 0;
}

function alertItem(alert) {
  const where = [alert.rollout, alert.surface && alert.surface !== alert.rollout ? alert.surface : null].filter(Boolean).join(' / ');
  return el('li', { class: 'alert', dataset: { severity: alert.severity, testid: 'alert' } }, [
    pill(alert.severity, alert.severity, { class: 'alert-severity' }),
    el('span', { class: 'alert-message', text: alert.message }),
    el('span', { class: 'alert-meta muted', text: [where, alert.kind].filter(Boolean).join(' · ') }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Rollout cards
// ---------------------------------------------------------------------------------------------

/** Re-renders every card; a card whose data did not change keeps its DOM node. */
function renderRollouts() {
  const container = $('rollouts');
  const rollouts = state.widgets ? state.widgets.rollouts : null;
  if (!rollouts) {
    container.replaceChildren(el('p', { class: 'placeholder', text: state.placeholder }));
    state.cards.clear();
    return;
  }
  if (rollouts.length === 0) {
    container.replaceChildren(el('p', { class: 'placeholder', text: 'No rollouts are served.' }));
    state.cards.clear();
    return;
  }
  const next = new Map();
  const nodes = rollouts.map((rollout) => {
    const key = JSON.stringify(rollout);
    const cached = state.cards.get(rollout.rollout);
    const node = cached && cached.key === key ? cached.node : rolloutCard(rollout);
    next.set(rollout.rollout, { key, node });
    return node;
  });
  state.cards = next;
  const unchanged = nodes.length === container.children.length && nodes.every((node, i) => container.children[i] === node);
  if (!unchanged) container.replaceChildren(...nodes);
}

function rolloutCard(r) {
  return el('section', { class: 'card', dataset: { testid: 'rollout', rollout: r.rollout, status: r.status } }, [
    cardHeader(r),
    pauseBanner(r),
    phaseLadder(r),
    el('div', { class: 'card-grid' }, [
      el('div', { class: 'card-col' }, [soakBlock(r), decisionBlock(r)]),
      el('div', { class: 'card-col' }, [historyBlock(r)]),
    ]),
    gatesBlock(r),
    triggersBlock(r),
    surfacesBlock(r),
  ]);
}

/** Name, description, status, gate, phase and traffic, plus the action buttons. */
function cardHeader(r) {
  const phase = r.phase || null;
  return el('header', { class: 'card-head' }, [
    el('div', { class: 'card-title' }, [
      el('h2', { class: 'rollout-name', text: r.rollout }),
      r.description ? el('p', { class: 'rollout-description', text: r.description }) : null,
      el('p', { class: 'rollout-spec muted', text: r.spec }),
    ]),
    el('div', { class: 'card-summary' }, [
      el('div', { class: 'summary-row' }, [
        summaryItem('status', pill(r.status, r.status, { dataset: { testid: 'status' }, class: 'pill-lg' })),
        summaryItem('gate', pill(r.rollout_gate, r.rollout_gate, { dataset: { testid: 'rollout-gate' }, class: 'pill-lg' })),
        summaryItem('phase', el('span', { class: 'summary-phase' }, [
          el('span', { class: 'phase-name', dataset: { testid: 'phase' }, text: phase ? phase.name : '—' }),
          el('span', { class: 'phase-traffic', dataset: { testid: 'traffic' }, text: phase ? percent(phase.traffic) : '' }),
        ])),
      ]),
      actionButtons(r),
    ]),
  ]);
}

function summaryItem(label, value) {
  return el('div', { class: 'summary-item' }, [el('span', { class: 'summary-label', text: label }), value]);
}

/** The actions that make sense in the rollout's status. */
function availableActions(status) {
  const actions = [];
  if (status !== 'paused' && !TERMINAL.has(status)) actions.push('pause');
  if (status === 'paused') actions.push('resume');
  if (status === 'progressing') actions.push('promote');
  if (!TERMINAL.has(status)) actions.push('abort');
  if (status === 'rolled_back') actions.push('retry');
  return actions;
}

function actionButtons(r) {
  const buttons = availableActions(r.status).map((action) => el('button', {
    class: `btn btn-action${action === 'abort' ? ' btn-danger' : ''}`,
    text: ACTIONS[action].label,
    attrs: { type: 'button' },
    dataset: { action },
    on: { click: () => openActionDialog(action, r.rollout) },
  }));
  return el('div', { class: 'actions', attrs: { role: 'group', 'aria-label': `actions for ${r.rollout}` } }, buttons);
}

function pauseBanner(r) {
  if (!r.pause) return null;
  const p = r.pause;
  return el('div', { class: 'pause-banner', dataset: { testid: 'pause' } }, [
    el('strong', { text: `Paused by ${p.actor || 'someone'}` }),
    Number.isFinite(p.since_unix_ms) ? el('span', { class: 'muted', text: ` since ${formatTime(p.since_unix_ms, false)}` }) : null,
    p.reason ? el('span', { text: ` — ${p.reason}` }) : null,
  ]);
}

/** Phases as steps: done, current, pending. */
function phaseLadder(r) {
  const phases = r.phases || [];
  const steps = phases.map((p, i) => el('li', { class: 'step', dataset: { state: p.state }, attrs: { 'aria-current': p.state === 'current' ? 'step' : null } }, [
    el('span', { class: 'step-marker', text: p.state === 'done' ? '✓' : String(i + 1), attrs: { 'aria-hidden': 'true' } }),
    el('span', { class: 'step-body' }, [
      el('span', { class: 'step-name', text: p.name }),
      el('span', { class: 'step-meta', text: `${percent(p.traffic)} · soak ${formatDuration(p.soak_ms)}` }),
    ]),
  ]));
  return el('ol', { class: 'ladder', attrs: { 'aria-label': 'phases' } }, steps);
}

/** Soak progress of the current phase. */
function soakBlock(r) {
  const soak = r.soak;
  if (!soak) {
    const text = r.status === 'complete' ? 'Every phase has soaked; the rollout is complete.' : 'No phase is soaking.';
    return block('Soak', [el('p', { class: 'muted', text })]);
  }
  const ratio = soak.required_ms > 0 ? Math.min(1, Math.max(0, soak.held_ms / soak.required_ms)) : 1;
  const done = soak.remaining_ms <= 0;
  const summary = `${formatDuration(soak.held_ms)} of ${formatDuration(soak.required_ms)} held, ` +
    (done ? 'soak complete' : `${formatDuration(soak.remaining_ms, Math.ceil)} left`);
  const checksOk = soak.passing_checks >= soak.min_checks;
  return block('Soak', [
    el('div', {
      class: 'progress', dataset: { testid: 'soak-bar', state: r.status === 'paused' ? 'paused' : (done ? 'done' : 'running') },
      attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(ratio * 100), 'aria-label': 'soak progress' },
    }, [progressFill(ratio)]),
    el('p', { class: 'soak-text', dataset: { testid: 'soak' }, text: summary }),
    el('p', { class: 'soak-checks muted' }, [
      el('span', { class: checksOk ? 'ok-text' : 'warn-text', text: `${soak.passing_checks} passing ${soak.passing_checks === 1 ? 'check' : 'checks'}` }),
      ` of ${soak.min_checks} required`,
    ]),
  ]);
}

/** The filled part of a progress bar; set through CSSOM so a strict style-src CSP allows it. */
function progressFill(ratio) {
  const fill = el('span', { class: 'progress-fill' });
  fill.style.width = `${(ratio * 100).toFixed(1)}%`;
  return fill;
}

/** The dry-run decision at this moment and the last recorded one. */
function decisionBlock(r) {
  const next = r.next_decision;
  const last = r.last_decision;
  const nextPart = next
    ? el('div', { class: 'decision', dataset: { testid: 'next-decision' } }, [
      el('div', { class: 'decision-head' }, [el('span', { class: 'decision-label', text: 'Next check would' }), pill(next.decision, next.decision, { class: 'pill-lg' })]),
      next.reasons && next.reasons.length
        ? el('ul', { class: 'reasons' }, next.reasons.map((reason) => el('li', { text: reason })))
        : null,
      next.next ? el('p', { class: 'next-sentence', text: next.next }) : null,
    ])
    : el('p', { class: 'muted', text: 'No decision preview.' });
  const lastPart = last
    ? el('div', { class: 'last-decision', dataset: { testid: 'last-decision' } }, [
      el('span', { class: 'decision-label', text: `Last: check #${last.check}` }),
      pill(last.decision, last.decision),
      el('span', { class: 'muted', text: `${formatTime(last.evaluated_unix_ms)}` }),
      last.reasons && last.reasons.length ? el('span', { class: 'last-reason', text: last.reasons[0] }) : null,
    ])
    : el('p', { class: 'last-decision muted', text: 'No check recorded yet.' });
  return block('Decision', [nextPart, lastPart]);
}

/** Gates of the current phase. */
function gatesBlock(r) {
  const gates = r.gates || [];
  if (gates.length === 0) return block('Gates', [el('p', { class: 'muted', text: 'No gates in this phase.' })]);
  const passing = gates.filter((g) => g.result === 'pass').length;
  const rows = gates.map((g) => el('tr', { dataset: { result: g.result } }, [
    el('td', { class: 'cell-name', text: g.name }),
    el('td', { class: 'muted', text: g.surface ?? '—' }),
    el('td', {}, [pill(g.result, g.result)]),
    el('td', { class: 'cell-message', text: g.message }),
  ]));
  return block(`Gates · ${passing}/${gates.length} passing`, [table(['gate', 'surface', 'result', 'saw'], rows, 'gates')]);
}

/** Triggers, with their streak towards firing. */
function triggersBlock(r) {
  const triggers = r.triggers || [];
  if (triggers.length === 0) return block('Triggers', [el('p', { class: 'muted', text: 'No triggers.' })]);
  const rows = triggers.map((t) => el('tr', { dataset: { fired: t.fired } }, [
    el('td', { class: 'cell-name', text: t.name }),
    el('td', { class: 'muted', text: t.surface ?? '—' }),
    el('td', {}, [streakBar(t)]),
    el('td', {}, [t.fired ? pill('fired', 'fired') : el('span', { class: 'muted', text: t.matched === null ? 'no data' : 'armed' })]),
    el('td', {}, [pill(t.action, t.action === 'rollback' ? 'rollback' : 'hold', { class: 'pill-outline' })]),
    el('td', {}, [pill(t.severity, `sev-${t.severity}`, { class: 'pill-outline' })]),
    el('td', { class: 'cell-message', text: t.message }),
  ]));
  return block('Triggers', [table(['trigger', 'surface', 'streak', 'state', 'action', 'severity', 'saw'], rows, 'triggers')]);
}

/** `consecutive` segments, `streak` of them filled, and "1 of 2". */
function streakBar(t) {
  const total = Math.max(1, t.consecutive || 1);
  const filled = Math.min(total, t.streak || 0);
  const level = t.fired ? 'fired' : filled > 0 ? 'rising' : 'idle';
  const segments = [];
  for (let i = 0; i < Math.min(total, 12); i += 1) {
    segments.push(el('span', { class: `streak-seg${i < filled ? ' on' : ''}` }));
  }
  return el('span', { class: 'streak', dataset: { level }, title: `${t.streak} consecutive matching checks; fires at ${t.consecutive}` }, [
    el('span', { class: 'streak-bar', attrs: { 'aria-hidden': 'true' } }, segments),
    el('span', { class: 'streak-text', text: `${t.streak} of ${t.consecutive}` }),
  ]);
}

/** Surfaces the rollout reads. */
function surfacesBlock(r) {
  const surfaces = r.surfaces || [];
  if (surfaces.length === 0) return block('Surfaces', [el('p', { class: 'muted', text: 'No surfaces.' })]);
  const rows = surfaces.map((s) => el('tr', { dataset: { health: s.health_state } }, [
    el('td', { class: 'cell-name', text: s.name }),
    el('td', { class: 'muted', text: s.kind }),
    el('td', {}, [pill(s.health_state, s.health_state)]),
    el('td', {}, [pill(s.rollout_gate, s.rollout_gate)]),
    el('td', {}, [freshness(s)]),
    el('td', {}, [s.paused ? pill('paused', 'paused') : el('span', { class: 'muted', text: 'no' })]),
    numberCell(s.queue_depth, 1),
    numberCell(s.failure_streak, 0),
    numberCell(s.invalid_lines, 0),
    el('td', { class: 'cell-message', text: s.health_reason ?? '' }),
  ]));
  return block('Surfaces', [table(['surface', 'kind', 'health', 'gate', 'state', 'paused', 'queue', 'failure streak', 'invalid lines', 'reason'], rows, 'surfaces')]);
}

/** "fresh · 42s", "stale · 20m" or "missing". */
function freshness(s) {
  if (!s.present) return pill('missing', 'failing');
  const age = s.age_ms === null || s.age_ms === undefined ? '' : ` · ${formatDuration(s.age_ms)}`;
  return s.stale ? pill(`stale${age}`, 'degraded') : el('span', { class: 'ok-text', text: `fresh${age}` });
}

/** A numeric cell, highlighted when above `okMax`. */
function numberCell(value, okMax) {
  const bad = Number.isFinite(value) && value > okMax;
  return el('td', { class: `cell-num${bad ? ' warn-text' : ''}`, text: value ?? '—' });
}

function table(headers, rows, name) {
  return el('div', { class: 'table-wrap' }, [
    el('table', { class: `table table-${name}`, dataset: { testid: `${name}-table` } }, [
      el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
      el('tbody', {}, rows),
    ]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// History chart (inline SVG)
// ---------------------------------------------------------------------------------------------

const CHART = { width: 640, height: 240, left: 44, right: 16, top: 34, bottom: 28 };
const TIME_STEPS = [60e3, 5 * 60e3, 10 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 2 * 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3];

function historyBlock(r) {
  const history = r.history || [];
  const title = history.length ? `History · ${history.length} ${history.length === 1 ? 'check' : 'checks'}` : 'History';
  return block(title, [historyChart(r, history)], 'block-chart');
}

/**
 * Traffic over time as a step line, one dot per check coloured by its decision. The x range runs
 * from the first check to the newest snapshot while the rollout is live (dashed tail).
 */
function historyChart(r, history) {
  const { width, height, left, right, top, bottom } = CHART;
  const plot = { x0: left, x1: width - right, y0: top, y1: height - bottom };
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'chart', 'data-testid': 'history-chart',
    role: 'img', 'aria-label': `traffic history of ${r.rollout}`, preserveAspectRatio: 'xMidYMid meet',
  });

  const points = history.filter((h) => Number.isFinite(h.t)).slice().sort((a, b) => a.t - b.t);
  const live = !TERMINAL.has(r.status) && state.snapshotMs;
  const domain = timeDomain(points, live ? state.snapshotMs : null);
  const x = (t) => plot.x0 + ((t - domain.min) / (domain.max - domain.min)) * (plot.x1 - plot.x0);
  const y = (traffic) => plot.y1 - (Math.min(100, Math.max(0, traffic)) / 100) * (plot.y1 - plot.y0);

  root.append(chartLegend(width, right));
  root.append(chartYAxis(plot, y));
  if (points.length === 0) {
    root.append(svg('text', { x: (plot.x0 + plot.x1) / 2, y: y(75) + 4, class: 'chart-empty', 'text-anchor': 'middle', text: 'No checks recorded yet' }));
    return root;
  }
  root.append(chartXAxis(plot, domain, x));
  root.append(chartLine(points, x, y, plot, live ? state.snapshotMs : null));
  root.append(chartDots(points, x, y));
  return root;
}

/** [min, max] of the time axis; pads a single instant so it sits in the middle. */
function timeDomain(points, nowMs) {
  if (points.length === 0) {
    const now = nowMs || Date.now();
    return { min: now - 3600e3, max: now };
  }
  let min = points[0].t;
  let max = points[points.length - 1].t;
  if (nowMs && nowMs > max && nowMs - max < 7 * 86400e3) max = nowMs;
  if (max - min < 60e3) {
    min -= 15 * 60e3;
    max += 15 * 60e3;
  }
  return { min, max };
}

function chartYAxis(plot, y) {
  const g = svg('g', { class: 'chart-axis chart-y' });
  for (const v of [0, 25, 50, 100]) {
    g.append(svg('line', { x1: plot.x0, x2: plot.x1, y1: y(v), y2: y(v), class: v === 0 ? 'chart-baseline' : 'chart-grid' }));
    g.append(svg('text', { x: plot.x0 - 8, y: y(v) + 4, 'text-anchor': 'end', text: `${v}%` }));
  }
  return g;
}

function chartXAxis(plot, domain, x) {
  const g = svg('g', { class: 'chart-axis chart-x' });
  const span = domain.max - domain.min;
  const step = TIME_STEPS.find((s) => span / s <= 6) || TIME_STEPS[TIME_STEPS.length - 1];
  const offset = new Date(domain.min).getTimezoneOffset() * 60e3; // align ticks to local time
  const multiDay = span > 86400e3 || new Date(domain.min).toDateString() !== new Date(domain.max).toDateString();
  let t = Math.ceil((domain.min - offset) / step) * step + offset;
  for (; t <= domain.max; t += step) {
    const px = x(t);
    g.append(svg('line', { x1: px, x2: px, y1: plot.y1, y2: plot.y1 + 4, class: 'chart-tick' }));
    g.append(svg('text', { x: px, y: plot.y1 + 18, 'text-anchor': 'middle', text: tickLabel(t, step, multiDay) }));
  }
  return g;
}

function tickLabel(t, step, multiDay) {
  const d = new Date(t);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  if (step >= 86400e3) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  if (multiDay && d.getHours() === 0 && d.getMinutes() === 0) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return hm;
}

/** The step line of traffic (with a light area under it) and a dashed tail to now. */
function chartLine(points, x, y, plot, nowMs) {
  const g = svg('g', { class: 'chart-series' });
  let d = `M${x(points[0].t).toFixed(1)},${y(points[0].traffic).toFixed(1)}`;
  for (let i = 1; i < points.length; i += 1) {
    d += ` H${x(points[i].t).toFixed(1)} V${y(points[i].traffic).toFixed(1)}`;
  }
  const last = points[points.length - 1];
  const lastX = x(last.t);
  const area = `${d} V${plot.y1} H${x(points[0].t).toFixed(1)} Z`;
  g.append(svg('path', { d: area, class: 'chart-area' }));
  g.append(svg('path', { d, class: 'chart-line' }));
  if (nowMs && nowMs > last.t) {
    const nowX = Math.min(plot.x1, x(nowMs));
    g.append(svg('path', { d: `M${lastX.toFixed(1)},${y(last.traffic).toFixed(1)} H${nowX.toFixed(1)}`, class: 'chart-line chart-tail' }));
    g.append(svg('line', { x1: nowX, x2: nowX, y1: plot.y0, y2: plot.y1, class: 'chart-now' }, [svg('title', { text: `now (snapshot ${formatTime(nowMs)})` })]));
  }
  return g;
}

/** One dot per check; smaller when there are many. Tooltips via <title>. */
function chartDots(points, x, y) {
  // Dense histories drop the dot outline, which would otherwise hide the line under white rings.
  const dense = points.length > 120;
  const g = svg('g', { class: `chart-dots${dense ? ' chart-dots-dense' : ''}` });
  const radius = points.length > 200 ? 1.8 : points.length > 60 ? 2.6 : 4.5;
  // Waits are the common case: draw them first so rarer decisions stay on top.
  const ordered = [...points.filter((p) => p.decision === 'wait'), ...points.filter((p) => p.decision !== 'wait')];
  for (const p of ordered) {
    g.append(svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.traffic).toFixed(1), r: radius, class: `dot dot-${DECISIONS.includes(p.decision) ? p.decision : 'other'}` }, [
      svg('title', { text: `check #${p.check} · ${p.decision}\n${p.phase} (${percent(p.traffic)})\n${formatTime(p.t)}` }),
    ]));
  }
  return g;
}

/**
 * Legend as one <text> of <tspan>s, so the browser lays the words out by their real widths and
 * the whole line hugs the right edge (text-anchor end).
 */
function chartLegend(width, right) {
  const g = svg('g', { class: 'chart-legend' });
  const line = svg('text', { x: width - right, y: 14, 'text-anchor': 'end' });
  DECISIONS.forEach((decision, i) => {
    line.append(svg('tspan', { class: `legend-dot dot-${decision}`, dx: i === 0 ? null : 14, text: '●' }));
    line.append(svg('tspan', { dx: 4, text: decision }));
  });
  g.append(line);
  g.append(svg('text', { x: CHART.left - 8, y: 14, 'text-anchor': 'start', class: 'chart-caption', text: 'traffic' }));
  return g;
}

// ---------------------------------------------------------------------------------------------
// Rendering entry point
// ---------------------------------------------------------------------------------------------

function renderAll() {
  renderOverall();
  renderStaleBanner();
  renderSnapshotTime();
  renderAlerts();
  renderRollouts();
}

/** Keeps the newest `generated_unix_ms` as the snapshot time. */
function noteGenerated(ms) {
  if (Number.isFinite(ms) && (!state.snapshotMs || ms > state.snapshotMs)) state.snapshotMs = ms;
}

// ---------------------------------------------------------------------------------------------
// Data: initial fetch and event stream
// ---------------------------------------------------------------------------------------------

/** Fetches the three payloads; one that is older than what is shown already is dropped. */
async function loadAll() {
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

function connect() {
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

// ---------------------------------------------------------------------------------------------
// Token
// ---------------------------------------------------------------------------------------------

/** Reads `#token=...`, keeps it in sessionStorage and removes it from the address bar. */
function takeTokenFromHash() {
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
function initToken() {
  takeTokenFromHash();
  if (!state.token) {
    try {
      state.token = sessionStorage.getItem(TOKEN_KEY) || null;
    } catch {
      state.token = null;
    }
  }
}

function saveToken(token) {
  state.token = token;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // sessionStorage can be unavailable (privacy modes); the token then lives in memory only.
  }
}

// ---------------------------------------------------------------------------------------------
// Actions: dialog, POST, toast
// ---------------------------------------------------------------------------------------------

function openActionDialog(action, rollout) {
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
      loadAll();
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

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function init() {
  initToken();
  // A `#token=...` pasted into an open tab only changes the hash; pick it up too.
  window.addEventListener('hashchange', takeTokenFromHash);
  $('reason-form').addEventListener('submit', submitAction);
  $('reason-cancel').addEventListener('click', closeDialog);
  $('reason-dialog').addEventListener('close', () => { state.pending = null; });
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
