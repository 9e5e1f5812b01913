// One rollout's card: header with actions, pause banner, phase ladder, soak, decision, history,
// gates, triggers and surfaces. Built fresh from one widgets entry; render.js decides when.

import { ACTIONS, openActionDialog } from './actions.js';
import { block, el, pill } from './dom.js';
import { formatDuration, formatTime, percent } from './format.js';
import { historyBlock } from './history-chart.js';
import { TERMINAL } from './state.js';

export function rolloutCard(r) {
  return el('section', { class: 'card', dataset: { testid: 'rollout', rollout: r.rollout, status: r.status } }, [
    cardHeader(r),
    pauseBanner(r),
    phaseLadder(r),
    el('div', { class: 'card-grid' }, [
      el('div', { class: 'card-col' }, [soakBlock(r), trafficBlock(r), decisionBlock(r)]),
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
        summaryItem('gate', gateBadge(r)),
        summaryItem('phase', el('span', { class: 'summary-phase' }, [
          el('span', { class: 'phase-name', dataset: { testid: 'phase' }, text: phase ? phase.name : '—' }),
          el('span', { class: 'phase-traffic', dataset: { testid: 'traffic' }, text: phase ? percent(phase.traffic) : '' }),
        ])),
      ]),
      actionButtons(r),
    ]),
  ]);
}

/**
 * The gate after the last check (hold while paused, rolled back or not refreshing) and the one
 * the next check would give (the dry-run preview), each labelled: a failing gate shows as
 * "last pass · next hold", never as a bare "pass".
 */
function gateBadge(r) {
  // Before any check, rollout_gate is the preview's: only a pause, an unreadable store or a
  // failed refresh is a "last" state then (they hold whatever a check would say).
  const held = Boolean(r.pause || r.error || r.refresh_error || r.status === 'rolled_back');
  const last = r.last_decision || held ? r.rollout_gate : null;
  const nextDecision = r.next_decision ? r.next_decision.decision : null;
  const next = nextDecision === null ? null : nextDecision === 'hold' || nextDecision === 'rollback' ? 'hold' : 'pass';
  const part = (label, value, testid, none) => el('span', { class: 'gate-part' }, [
    el('span', { class: 'gate-label', text: label }),
    value ? pill(value, value, { dataset: { testid }, class: 'pill-lg' }) : el('span', { class: 'muted', dataset: { testid }, text: none }),
  ]);
  return el('span', {
    class: 'gate-badge', dataset: { testid: 'rollout-gate', last: last ?? 'none', next: next ?? 'none', differs: last && next && last !== next ? 'true' : null },
    title: 'last: the gate after the last check; next: what the next check would give now (dry run)',
  }, [
    part('last', last, 'gate-last', 'no check yet'),
    part('next', next, 'gate-next', '—'),
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

/** The load balancer's split now and the one the phase wants (spec `routing:`); nothing without it. */
function trafficBlock(r) {
  const t = r.traffic;
  if (!t) return null;
  const split = (w) => `canary ${percent(w.canary)} / stable ${percent(w.stable)}`;
  const same = t.actual && t.actual.canary === t.desired.canary && t.actual.stable === t.desired.stable;
  return block('Traffic', [
    el('p', { class: same ? 'ok-text' : 'warn-text', dataset: { testid: 'traffic-actual' }, text: t.actual ? `${split(t.actual)} now` : `unknown now${t.error ? `: ${t.error}` : ''}` }),
    el('p', { class: 'muted', dataset: { testid: 'traffic-desired' }, text: `${split(t.desired)} wanted · ${t.target}` }),
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
