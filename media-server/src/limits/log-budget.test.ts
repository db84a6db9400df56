import { describe, expect, it } from 'vitest';
import { LogBudget } from './log-budget.ts';

describe('LogBudget', () => {
  it('allows perWindow lines per window and reports how many went to debug when the next window starts', () => {
    let nowMs = 0;
    const suppressed: number[] = [];
    const budget = new LogBudget({
      perWindow: 3,
      windowMs: 1000,
      onSuppressed: (n) => suppressed.push(n),
      nowMs: () => nowMs,
    });
    expect(Array.from({ length: 5 }, () => budget.take())).toEqual([true, true, true, false, false]);
    nowMs = 999;
    expect(budget.take()).toBe(false);
    expect(suppressed).toEqual([]);
    nowMs = 1000;
    expect(budget.take()).toBe(true);
    expect(suppressed).toEqual([3]);
    nowMs = 5000;
    expect(budget.take()).toBe(true);
    expect(suppressed).toEqual([3]);
  });
});
