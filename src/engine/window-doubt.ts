/**
 * Which event windows of a surface cannot be trusted (lines may have been lost, or an invalid
 * line may have carried reason codes), and why. A rule that reads such a window errors and
 * the check holds: a count of 0 over lines nobody could read is not evidence of 0.
 * `rollgate control <spec> acknowledge` accepts the doubt and restarts the windows.
 */
import type { EventWindows } from '../observe/event-windows.js';
import type { LogTally, TallyWindow } from '../observe/log-tally.js';

export const WINDOWS = ['total', 'phase', 'check', 'previous_check'] as const;
export type WindowName = (typeof WINDOWS)[number];

/** Cumulative doubt counts accepted by the last acknowledgement (saved in the surface memory). */
export interface AcceptedDoubt {
  lost: number;
  suspect: number;
}

/** Older tallies were saved before doubt was counted: they read as none. */
interface Doubt {
  lost?: number;
  suspect?: number;
  doubt?: string | null;
}

const lostOf = (t: Doubt) => t.lost ?? 0;
const suspectOf = (t: Doubt) => t.suspect ?? 0;

function sentence(lost: number, suspect: number, doubt: string | null | undefined): string {
  const what = [
    lost > 0 ? `lines may have been lost ${lost === 1 ? 'once' : `${lost} times`}` : '',
    suspect > 0 ? `${suspect} unreadable line${suspect === 1 ? '' : 's'} may carry reason codes` : '',
  ].filter(Boolean).join(', and ');
  return `${what}${doubt ? ` (${doubt})` : ''}`;
}

/** Window -> why it is unknown, for the windows that are. */
export function unknownWindows(windows: EventWindows, total: LogTally, accepted: AcceptedDoubt | null | undefined): Map<WindowName, string> {
  const out = new Map<WindowName, string>();
  const t = total as LogTally & Doubt;
  const lost = lostOf(t) - (accepted?.lost ?? 0);
  const suspect = suspectOf(t) - (accepted?.suspect ?? 0);
  if (lost > 0 || suspect > 0) out.set('total', sentence(Math.max(0, lost), Math.max(0, suspect), t.doubt));
  for (const name of ['phase', 'check', 'previous_check'] as const) {
    const w = windows[name] as TallyWindow & Doubt;
    if (lostOf(w) > 0 || suspectOf(w) > 0) out.set(name, sentence(lostOf(w), suspectOf(w), w.doubt ?? t.doubt));
  }
  return out;
}

/** The accepted doubt after an acknowledgement at a tally. */
export function acceptDoubt(total: LogTally): AcceptedDoubt {
  const t = total as LogTally & Doubt;
  return { lost: lostOf(t), suspect: suspectOf(t) };
}
