/**
 * `rollgate status <spec...> [--watch]`: where each rollout stands and what a check would decide
 * now; changes nothing. One spec: its status; several: a table (an array in JSON). --watch
 * redraws on a terminal, and elsewhere prints a new block only when something changed.
 */
import { formatPosition } from '../report/diagnostic.js';
import { safeLine } from '../report/escape.js';
import { STATUS_TABLE_RENDERERS, STATUS_WATCH_RENDERERS } from '../report/status-table.js';
import { STATUS_RENDERERS, type StatusFormat, type StatusReport, statusReportOf, type StatusView } from '../report/status.js';
import { rolloutStatus } from '../runner/rollout-status.js';
import { pollClock } from '../runner/wait-for.js';
import type { Spec } from '../spec/types.js';
import { openStore } from '../store/open-store.js';
import { StoreError } from '../store/store-error.js';
import { parseDuration } from '../time/duration.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface StatusOptions extends PlaceOptions {
  format: StatusFormat;
  /** Keep showing it, every --interval, until Ctrl-C or SIGTERM. */
  watch?: boolean;
  /** With --watch: how often (default 5s). */
  interval?: string;
}

export const DEFAULT_WATCH_INTERVAL = '5s';

async function viewOf(spec: Spec, root: string, store: string, nowMs: number): Promise<StatusView> {
  const rollout = openStore(store, spec.name);
  const standing = await rolloutStatus(spec, { store: rollout, root, nowMs, verify: true }).finally(() => rollout.close());
  const journal = standing.journal!.verification;
  if (journal.badInstant) throw new StoreError(`${formatPosition({ file: rollout.journalLocation, line: journal.badInstant.line })}: corrupt data: ${journal.badInstant.problem}; an older rollgate accepted such a --now. Restore the journal from a backup, or move the rollout's store folder aside to start again`, 65);
  return { report: statusReportOf(standing), firstPhase: spec.phases[0]!.name };
}

/**
 * What `--watch` compares to tell a change: everything but what moves with the clock alone (the
 * soak held, "28m from now", and a stale or future snapshot's reason, which gives its age).
 */
function changeKey(reports: StatusReport[]): string {
  return JSON.stringify(reports.map((r) => ({
    ...r,
    if_checked_now: { decision: r.if_checked_now.decision },
    surfaces: Object.fromEntries(Object.entries(r.surfaces).map(([name, s]) => [name, s.stale ? { ...s, health_reason: null } : s])),
  })));
}

export function runStatus(specFiles: string | string[], options: StatusOptions): Promise<number> {
  return withExitCodes('status', async () => {
    const files = typeof specFiles === 'string' ? [specFiles] : specFiles;
    const specs = new Map<string, { file: string; spec: Spec }>();
    for (const file of files) {
      const spec = loadSpecOrExit(file);
      if (specs.has(spec.name)) throw new ExitError(`${file} and ${specs.get(spec.name)!.file} are both rollout \`${spec.name}\`; give each rollout once`, EXIT.USAGE);
      specs.set(spec.name, { file, spec });
    }
    if (options.interval !== undefined && !options.watch) throw new ExitError('--interval goes with --watch', EXIT.USAGE);
    if (options.watch && options.now !== undefined) throw new ExitError('--now cannot go with --watch (a watch follows the clock)', EXIT.USAGE);
    const { root, store, nowMs } = placeOf(options);
    const table = specs.size > 1;

    const read = async (at: number): Promise<StatusView[]> => {
      const views: StatusView[] = [];
      for (const { spec } of specs.values()) views.push(await viewOf(spec, root, store, at));
      return views;
    };
    if (!options.watch) {
      const views = await read(nowMs);
      emit(table ? STATUS_TABLE_RENDERERS[options.format]({ rows: views, nowMs }) : STATUS_RENDERERS[options.format](views[0]!));
      return EXIT.OK;
    }
    return watch(options, table, read);
  });
}

async function watch(options: StatusOptions, table: boolean, read: (at: number) => Promise<StatusView[]>): Promise<number> {
  const given = options.interval ?? DEFAULT_WATCH_INTERVAL;
  const intervalMs = parseDuration(given);
  if (intervalMs === null || intervalMs === 0) throw new ExitError(`--interval ${given}: give a duration above 0, e.g. 500ms, 5s or 1m`, EXIT.USAGE);
  // Text on a terminal is redrawn at every poll (ages move); a log, a pipe or JSON gets a block per change.
  const redraw = process.stdout.isTTY === true && options.format === 'text';

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastKey: string | null = null;
  let lastError: string | null = null;
  try {
    while (!stop.signal.aborted) {
      const at = pollClock.now();
      try {
        const views = await read(at);
        lastError = null;
        const key = changeKey(views.map((v) => v.report));
        if (redraw || key !== lastKey) {
          lastKey = key;
          // Home and clear, before the block: the one control sequence rollgate writes itself.
          if (redraw) process.stdout.write('\x1b[H\x1b[2J');
          emit(STATUS_WATCH_RENDERERS[options.format]({ rows: views, nowMs: at, table, tty: redraw, intervalMs }));
        }
      } catch (err) {
        // A store that cannot be read now is said once, and watched again.
        if (!(err instanceof StoreError)) throw err;
        if (err.message !== lastError) process.stderr.write(safeLine(`rollgate status: ${err.message}; watching on`) + '\n');
        lastError = err.message;
      }
      await pollClock.sleep(intervalMs, stop.signal);
    }
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
