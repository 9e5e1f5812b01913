// The history block: traffic over time as an inline SVG chart, one dot per recorded check.

import { block, svg } from './dom.js';
import { formatTime, percent } from './format.js';
import { DECISIONS, state, TERMINAL } from './state.js';

const CHART = { width: 640, height: 240, left: 44, right: 16, top: 34, bottom: 28 };
const TIME_STEPS = [60e3, 5 * 60e3, 10 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 2 * 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3];

export function historyBlock(r) {
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
