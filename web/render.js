// Redraws the page from `state`. Called after every load and snapshot; unchanged cards keep
// their DOM nodes, so focus, hover and scroll inside them survive a snapshot.

import { renderAlerts } from './alerts.js';
import { $, el } from './dom.js';
import { renderOverall, renderSnapshotTime, renderStaleBanner } from './header.js';
import { rolloutCard } from './rollout-card.js';
import { state } from './state.js';

export function renderAll() {
  renderOverall();
  renderStaleBanner();
  renderSnapshotTime();
  renderAlerts();
  renderRollouts();
}

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
