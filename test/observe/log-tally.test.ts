/** Tallies and windows: suspect and lost lines make a window unknown; older saved tallies read as 0/null. */
import { describe, expect, it } from 'vitest';
import { addTally, cloneTally, emptyTally, noteDoubt, windowBetween, windowIsUnknown, type LogTally } from '../../src/engine/log-tally.js';

/** A tally as saved by a version without suspect, lost and doubt. */
const legacy = (cycles: number, invalid: number): LogTally => JSON.parse(JSON.stringify({ cycles, invalid, codes: { a: cycles }, last: null })) as LogTally;

describe('suspect and lost in tallies and windows', () => {
  it('an empty tally has none, and a window of nothing is known', () => {
    expect(emptyTally()).toMatchObject({ suspect: 0, lost: 0, doubt: null });
    const w = windowBetween(emptyTally(), null);
    expect(w).toMatchObject({ suspect: 0, lost: 0, doubt: null });
    expect(windowIsUnknown(w)).toBe(false);
  });

  it('a window is the difference; its doubt is the later sentence only when it has suspect or lost lines', () => {
    const earlier = emptyTally();
    noteDoubt(earlier, 'suspect', 'first');
    const later = cloneTally(earlier);
    expect(windowIsUnknown(windowBetween(later, earlier))).toBe(false);
    expect(windowBetween(later, earlier).doubt).toBeNull();
    const more = emptyTally();
    noteDoubt(more, 'lost', 'runtime-events.jsonl.1 was truncated');
    addTally(later, more);
    const w = windowBetween(later, earlier);
    expect(w).toMatchObject({ suspect: 0, lost: 1, doubt: 'runtime-events.jsonl.1 was truncated' });
    expect(windowIsUnknown(w)).toBe(true);
    expect(windowBetween(later, null)).toMatchObject({ suspect: 1, lost: 1 });
  });

  it('tallies saved by older versions read as 0 and null everywhere', () => {
    const old = legacy(3, 1);
    expect(cloneTally(old)).toMatchObject({ cycles: 3, suspect: 0, lost: 0, doubt: null });
    const w = windowBetween(legacy(5, 1), old);
    expect(w).toMatchObject({ cycles: 2, suspect: 0, lost: 0, doubt: null });
    expect(windowIsUnknown(w)).toBe(false);
    const now = addTally(legacy(5, 1), (() => { const t = emptyTally(); noteDoubt(t, 'suspect', 'byte 9: x'); return t; })());
    expect(now).toMatchObject({ suspect: 1, lost: 0, doubt: 'byte 9: x' });
    expect(windowBetween(now, old)).toMatchObject({ suspect: 1, lost: 0, doubt: 'byte 9: x' });
    expect(windowBetween(old, null)).toMatchObject({ suspect: 0, lost: 0, doubt: null });
    expect(Number.isNaN(windowBetween(now, old).suspect)).toBe(false);
  });

  it('a sentence is cut to 300 characters', () => {
    const t = emptyTally();
    noteDoubt(t, 'lost', 'x'.repeat(1000));
    expect(t.doubt!.length).toBe(300);
  });
});
