/**
 * Runs tasks with several in flight while their output keeps the tasks' order: `run --once`
 * over many rollouts overlaps one rollout's fsync waits with the next ones' work, and still
 * prints what a one-at-a-time run would print, in the same order.
 *
 * Each task gets a `print`: the task at the head of the window (the oldest one not yet
 * finished) writes straight through; a later one's writes are held, in order, and written when
 * it becomes the head. A task starts only when fewer than `limit` are in the window, so at most
 * `limit` tasks' output is ever held, however many tasks there are and however slow one is.
 */

/** Writes now, or when the task's turn comes: `print(() => process.stdout.write(…))`. */
export type Print = (write: () => void) => void;

export const printNow: Print = (write) => write();

interface Slot<T> {
  index: number;
  /** Writes waiting for the task's turn; null once it is the head (writes go straight out). */
  held: (() => void)[] | null;
  settled: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;
}

/**
 * Calls `task(0)`, `task(1)`, … `task(count - 1)`, at most `limit` at a time, and `done(value, i)`
 * for each in index order once the task and every one before it have finished.
 *
 * Once a task has failed, no further task starts; the ones already started finish (a check in
 * flight holds its rollout's lock and completes its commit), their output is written in order
 * and their values handed to `done`, and then the first failure (in index order) is thrown.
 */
export async function inOrder<T>(count: number, limit: number, task: (i: number, print: Print) => Promise<T>, done: (value: T, i: number) => void): Promise<void> {
  const window: Slot<T>[] = [];
  let failure: { error: unknown } | null = null;
  /** Some task has failed (maybe not the head yet): start no more. */
  let failed = false;
  const start = (index: number) => {
    const slot: Slot<T> = { index, held: window.length === 0 ? null : [], settled: undefined! };
    const print: Print = (write) => (slot.held ? slot.held.push(write) : write());
    slot.settled = (async () => task(index, print))().then((value) => ({ ok: true as const, value }), (error: unknown) => {
      failed = true;
      return { ok: false as const, error };
    });
    window.push(slot);
  };
  const retire = async () => {
    const head = window[0]!;
    const outcome = await head.settled;
    window.shift();
    // The next task's turn: what it held goes out now, and what it writes from here on too.
    const next = window[0];
    if (next) {
      const held = next.held!;
      next.held = null;
      for (const write of held) write();
    }
    if (outcome.ok) done(outcome.value, head.index);
    else failure ??= { error: outcome.error };
  };
  const width = Math.max(1, Math.floor(limit));
  for (let i = 0; i < count && !failed; i++) {
    if (window.length >= width) await retire();
    if (!failed) start(i);
  }
  while (window.length > 0) await retire();
  if (failure !== null) throw (failure as { error: unknown }).error;
}
