import { describe, expect, it } from 'vitest';
import { lostBetween, SeqCounter } from './seq-counter.ts';

describe('SeqCounter', () => {
  it('counts a clean run across the 16-bit wrap', () => {
    const c = new SeqCounter();
    for (let i = 0; i < 200; i++) c.push((65_500 + i) & 0xffff);
    expect(c.counts()).toEqual({ received: 200, expected: 200, gaps: 0 });
  });

  it('sees a hole, and a late packet fills it without a second count', () => {
    const c = new SeqCounter();
    for (const seq of [10, 11, 13, 14, 12, 12]) c.push(seq);
    expect(c.counts()).toEqual({ received: 5, expected: 5, gaps: 1 });
  });

  it('reports what never arrived between two snapshots', () => {
    const c = new SeqCounter();
    c.push(1);
    const before = c.counts();
    for (const seq of [2, 3, 6, 7]) c.push(seq);
    expect(lostBetween(before, c.counts())).toBe(2);
  });
});
