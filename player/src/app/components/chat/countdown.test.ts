import { describe, expect, it } from 'vitest';
import { formatDuration, formatWait, reconnectDelayMs } from './countdown.ts';

describe('formatWait', () => {
  it('shows tenths under 10 s, rounded up so it never says 0 while waiting', () => {
    expect(formatWait(840)).toBe('0.9 s');
    expect(formatWait(1)).toBe('0.1 s');
    expect(formatWait(1000)).toBe('1.0 s');
    expect(formatWait(9_999)).toBe('10.0 s');
  });
  it('shows whole seconds, then minutes:seconds, hours and days', () => {
    expect(formatWait(10_000)).toBe('10 s');
    expect(formatWait(42_100)).toBe('43 s');
    expect(formatWait(60_000)).toBe('1:00');
    expect(formatWait(599_001)).toBe('10:00');
    expect(formatWait(545_000)).toBe('9:05');
    expect(formatWait(3_600_000)).toBe('1 h 00 min');
    expect(formatWait(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 05 min');
    expect(formatWait(14 * 86_400_000)).toBe('14 d 0 h');
  });
  it('says 0 s once over, or for nonsense', () => {
    expect(formatWait(0)).toBe('0 s');
    expect(formatWait(-5)).toBe('0 s');
    expect(formatWait(Number.NaN)).toBe('0 s');
  });
});

describe('formatDuration', () => {
  it('words a timeout', () => {
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(30)).toBe('30 seconds');
    expect(formatDuration(599.6)).toBe('10 minutes');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(7200)).toBe('2 hours');
    expect(formatDuration(1_209_600)).toBe('14 days');
  });
});

describe('reconnectDelayMs', () => {
  it('starts at 1 s and doubles to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((n) => reconnectDelayMs(n, 0))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
  it('adds at most a fifth at random', () => {
    expect(reconnectDelayMs(0, 1)).toBe(1200);
    expect(reconnectDelayMs(5, 0.5)).toBe(33_000);
    expect(reconnectDelayMs(0, 7)).toBe(1200);
  });
});
