import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/time/duration.js';

describe('durations', () => {
  it.each([
    ['90s', 90_000], ['30m', 1_800_000], ['1h30m', 5_400_000], ['24h', 86_400_000], ['0', 0], [0, 0],
    ['2d', 172_800_000], ['500ms', 500], ['1h0m5s', 3_605_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', '30 min', '1.5h', '30m1h', '-5m', 'h', '1H', 30, null, undefined, '1h 30m'])('%s is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formats back to the same text', () => {
    for (const text of ['90s', '30m', '1h30m', '1d', '500ms', '0']) {
      expect(formatDuration(parseDuration(text)!)).toBe(text === '90s' ? '1m30s' : text);
    }
  });
});
