// The alert list of every rollout, most severe first.

import { $, el, pill } from './dom.js';
import { state } from './state.js';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };

export function renderAlerts() {
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
