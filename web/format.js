// How durations, times and traffic are written on the page.

/**
 * A duration as people say it: "42s", "3m", "1h 30m", "2d 4h". `round` (Math.floor by default)
 * rounds to the unit shown, so held time can floor and remaining time can ceil.
 */
export function formatDuration(ms, round = Math.floor) {
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
export function formatTime(ms, withSeconds = true) {
  if (!Number.isFinite(ms)) return '—';
  const date = new Date(ms);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: withSeconds ? '2-digit' : undefined, hour12: false });
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** "3m ago", relative to the browser's clock. */
export function formatAgo(ms) {
  if (!Number.isFinite(ms)) return '';
  return `${formatDuration(Date.now() - ms)} ago`;
}

export function percent(traffic) {
  return Number.isFinite(traffic) ? `${traffic}%` : '—';
}
