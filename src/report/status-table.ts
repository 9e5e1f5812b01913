/**
 * `rollgate status <spec> <spec>…`: one row per rollout, like `kubectl argo rollouts list`
 * (text), or the array of their status documents (json); and the blocks of `status --watch`.
 */
import { formatDuration } from '../time/duration.js';
import { isoOf } from '../time/instant.js';
import { jsonText, terminalSafe, textLines } from './escape.js';
import type { Renderer } from './renderer.js';
import { statusLines, type StatusFormat, type StatusView } from './status.js';

export interface StatusTableView {
  rows: StatusView[];
  /** The instant the rows were read at (for the AGE column). */
  nowMs: number;
}

export const STATUS_TABLE_COLUMNS = ['NAME', 'STATUS', 'PHASE', 'TRAFFIC', 'CHECKS', 'LAST DECISION', 'AGE', 'NEXT'] as const;

/** The two largest units, as kubectl shows ages (`2m30s`, `3h5m`, `288d18h`); `0s` under a second. */
const age = (ms: number) => (ms < 1000 ? '0s' : (formatDuration(ms - (ms % 1000)).match(/\d+[a-z]+/g) ?? []).slice(0, 2).join(''));

/** The cells of one rollout's row, in STATUS_TABLE_COLUMNS order. */
export function statusRow({ report: r, firstPhase }: StatusView, nowMs: number): string[] {
  const now = r.if_checked_now;
  // A rolled-back canary gets no traffic; a complete one gets all of it.
  const traffic = r.status === 'rolled_back' ? '0%' : r.status === 'complete' ? '100%' : r.phase?.traffic != null ? `${r.phase.traffic}%` : '-';
  let next: string;
  if (!r.started) next = `first check enters ${firstPhase}`;
  else if (r.status === 'rolled_back') next = 'control retry starts it again';
  else if (r.status === 'complete') next = '-';
  else if (r.pause) next = `paused by ${r.pause.actor}`;
  else next = now.decision === 'wait' && now.soak.remaining_ms > 0 ? `wait, ${age(now.soak.remaining_ms + 999)} of soak left` : `${now.decision} now`;
  const since = r.last_check_unix_ms === null ? null : nowMs - r.last_check_unix_ms;
  return [
    r.rollout,
    r.status, // as in the status line and the JSON: progressing, paused, rolled_back, complete, not started
    r.phase?.name ?? '-',
    traffic,
    String(r.checks),
    r.last_decision ? String(r.last_decision.decision) : '-',
    since === null || since < 0 ? '-' : age(since),
    next,
  ];
}

/** The table's lines: a header and one row per rollout, columns padded to their widest cell. */
export function statusTableLines({ rows, nowMs }: StatusTableView): string[] {
  const cells = [[...STATUS_TABLE_COLUMNS], ...rows.map((row) => statusRow(row, nowMs).map(terminalSafe))];
  const widths = STATUS_TABLE_COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

export const STATUS_TABLE_RENDERERS: Record<StatusFormat, Renderer<StatusTableView>> = {
  text: (view) => ({ stdout: textLines(statusTableLines(view)) }),
  json: ({ rows }) => ({ stdout: jsonText(rows.map((r) => r.report), 2) + '\n' }),
};

/** One block of `status --watch`: the status (one rollout) or the table (several). */
export interface StatusWatchView extends StatusTableView {
  /** Several rollouts: the table (an array in JSON). */
  table: boolean;
  /** On a terminal the screen is redrawn: the header says how often; elsewhere it says when. */
  tty: boolean;
  intervalMs: number;
}

/**
 * text: a header line, the block, then (in a log) an empty line; json: one document per line
 * (the status, or the array of them), so a pipe reads each change as a line.
 */
export const STATUS_WATCH_RENDERERS: Record<StatusFormat, Renderer<StatusWatchView>> = {
  text: (view) => ({
    stdout: textLines([
      view.tty ? `every ${formatDuration(view.intervalMs)}, Ctrl-C to stop · ${isoOf(view.nowMs)}` : `# ${isoOf(view.nowMs)}`,
      ...(view.table ? statusTableLines(view) : statusLines(view.rows[0]!)),
      ...(view.tty ? [] : ['']),
    ]),
  }),
  json: (view) => ({ stdout: jsonText(view.table ? view.rows.map((r) => r.report) : view.rows[0]!.report) + '\n' }),
};
