/** Tasks with several in flight, their output in task order: what `run --once` prints by. */
import { describe, expect, it } from 'vitest';
import { inOrder } from '../../src/schedule/in-order.js';

/** A promise to settle by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

describe('inOrder', () => {
  it('writes each task\'s lines in task order, whatever order the tasks finish in', async () => {
    const out: string[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const done: number[] = [];
    const run = inOrder(4, 4, async (i, print) => {
      print(() => out.push(`${i} start`));
      await gates[i]!.promise;
      print(() => out.push(`${i} end`));
      return i * 10;
    }, (value, i) => done.push(i, value));
    await settle();
    expect(out).toEqual(['0 start']); // the head writes straight through; the others hold theirs
    gates[3]!.open();
    gates[1]!.open();
    await settle();
    expect(out).toEqual(['0 start']);
    gates[0]!.open();
    await settle();
    // 0 is done: 1 (done too) and then 2's held line; 3 waits for 2.
    expect(out).toEqual(['0 start', '0 end', '1 start', '1 end', '2 start']);
    gates[2]!.open();
    await run;
    expect(out).toEqual(['0 start', '0 end', '1 start', '1 end', '2 start', '2 end', '3 start', '3 end']);
    expect(done).toEqual([0, 0, 1, 10, 2, 20, 3, 30]);
  });

  it('never has more than `limit` tasks started and unfinished', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await inOrder(20, 3, async (i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      // Later tasks finish first: the window still waits for the oldest.
      await new Promise((r) => setTimeout(r, (20 - i) % 4));
      running--;
    }, () => {});
    expect(most).toBe(3);
    expect(started).toEqual([...Array(20).keys()]);
  });

  it('with a limit of 1, runs one task after another, as a plain loop would', async () => {
    const events: string[] = [];
    await inOrder(3, 1, async (i, print) => {
      events.push(`run ${i}`);
      await settle();
      print(() => events.push(`print ${i}`));
    }, () => {});
    expect(events).toEqual(['run 0', 'print 0', 'run 1', 'print 1', 'run 2', 'print 2']);
  });

  it('a failing task stops new ones; those in flight finish and print, then the first failure is thrown', async () => {
    const out: string[] = [];
    const started: number[] = [];
    const gates = Array.from({ length: 10 }, () => gate());
    const run = inOrder(10, 3, async (i, print) => {
      started.push(i);
      await gates[i]!.promise;
      print(() => out.push(`${i}`));
      return i;
    }, () => {});
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.fail(new Error('task 2 broke'));
    gates[1]!.fail(new Error('task 1 broke'));
    gates[3]!.open();
    await expect(run).rejects.toThrow('task 1 broke');
    expect(started).toEqual([0, 1, 2, 3]); // nothing started after the failure was reached
    expect(out).toEqual(['0', '3']); // 3 was in flight: it finished, and its line came out
  });

  it('a task that throws before its first await is a failure like any other', async () => {
    const out: string[] = [];
    await expect(inOrder(3, 2, async (i, print) => {
      if (i === 1) throw new Error('at once');
      print(() => out.push(`${i}`));
    }, () => {})).rejects.toThrow('at once');
    expect(out).toEqual(['0']);
  });

  it('no tasks: nothing runs', async () => {
    let calls = 0;
    await inOrder(0, 8, async () => {
      calls++;
    }, () => calls++);
    expect(calls).toBe(0);
  });
});
