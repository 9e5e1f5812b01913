/**
 * Which event windows of a surface cannot be trusted (lines may have been lost, or an invalid
 * line may have carried reason codes), and why. A rule that reads such a window errors and
 * the check holds: a count of 0 over lines nobody could read is not evidence of 0.
 * `rollgate control <spec> acknowledge` accepts the doubt (the windows and their valid codes stay).
 */
import type { EventWindows } from './event-windows.js';
import { windowIsUnknown, type LogTally } from './log-tally.js';

export const WINDOWS = ['total', 'phase', 'check', 'previous_check'] as const;
export type WindowName = (typeof WINDOWS)[number];

/** Cumulative doubt counts accepted by the last acknowledgement (saved in the surface memory). */
export interface AcceptedDoubt {
  lost: number;
  suspect: number;
}

/** Tallies saved by older versions lack the doubt counts: they read as none. */
const lostOf = (t: { lost?: number }) => t.lost ?? 0;
const suspectOf = (t: { suspect?: number }) => t.suspect ?? 0;

function sentence(lost: number, suspect: number, doubt: string | null | undefined): string {
  const what = [
    lost > 0 ? `lines may have been lost ${lost === 1 ? 'once' : `${lost} times`}` : '',
    suspect > 0 ? `${suspect} unreadable line${suspect === 1 ? '' : 's'} may carry reason codes` : '',
  ].filter(Boolean).join(', and ');
  return `${what}${doubt ? ` (${doubt})` : ''}`;
}

/**
 * Window -> why it is unknown, for the windows that are. A window is unknown when it holds
 * doubt that arose after the last acknowledgement: `later - max(earlier, accepted)`, i.e. the
 * smaller of the window's own doubt and the doubt since the acknowledgement (exact for the
 * windows that end now; for `previous_check` it can only over-count, never hide doubt). So an
 * acknowledgement accepts the doubt and leaves the windows, with every valid code they
 * counted, as they are: a hard line read next to an unreadable one still counts.
 */
export function unknownWindows(windows: EventWindows, total: LogTally, accepted: AcceptedDoubt | null | undefined): Map<WindowName, string> {
  const out = new Map<WindowName, string>();
  const lost = lostOf(total) - (accepted?.lost ?? 0);
  const suspect = suspectOf(total) - (accepted?.suspect ?? 0);
  if (lost > 0 || suspect > 0) out.set('total', sentence(Math.max(0, lost), Math.max(0, suspect), total.doubt));
  for (const name of ['phase', 'check', 'previous_check'] as const) {
    const w = windows[name];
    if (!windowIsUnknown(w)) continue;
    const l = Math.min(lostOf(w), lost);
    const s = Math.min(suspectOf(w), suspect);
    if (l > 0 || s > 0) out.set(name, sentence(Math.max(0, l), Math.max(0, s), w.doubt ?? total.doubt));
  }
  return out;
}

/** The accepted doubt after an acknowledgement at a tally. */
export function acceptDoubt(total: LogTally): AcceptedDoubt {
  return { lost: lostOf(total), suspect: suspectOf(total) };
}
