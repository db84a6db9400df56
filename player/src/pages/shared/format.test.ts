import { describe, expect, it } from 'vitest';
import { formatBehind, formatClock, spokenBehind } from './format.ts';

describe('formatClock', () => {
  it('shows minutes and seconds, and hours when there are any', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(5.9)).toBe('0:05');
    expect(formatClock(62)).toBe('1:02');
    expect(formatClock(3723)).toBe('1:02:03');
  });

  it('shows nonsense as 0:00', () => {
    expect(formatClock(-3)).toBe('0:00');
    expect(formatClock(Number.NaN)).toBe('0:00');
    expect(formatClock(Number.POSITIVE_INFINITY)).toBe('0:00');
  });
});

describe('formatBehind', () => {
  it('shows the time behind live with a minus sign, or LIVE at the edge', () => {
    expect(formatBehind(20.4)).toBe('\u22120:20');
    expect(formatBehind(0.4)).toBe('LIVE');
    expect(spokenBehind(80)).toBe('1 minute 20 seconds behind live');
    expect(spokenBehind(0.2)).toBe('at the live edge');
  });
});
