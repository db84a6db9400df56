import { describe, expect, it } from 'vitest';
import { quantileSorted, summarize } from './stats.ts';

describe('summarize', () => {
  it('gives mean, median and interpolated percentiles', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, mean: 3, median: 3, min: 1, max: 5 });
    expect(s.p95).toBeCloseTo(4.8);
    expect(s.p99).toBeCloseTo(4.96);
  });

  it('sorts numerically, not as strings', () => {
    expect(summarize([10, 9, 100]).median).toBe(10);
  });

  it('returns NaN for an empty sample', () => {
    expect(summarize([]).median).toBeNaN();
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('p99 of 1..100 sits between the two top ranks', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(values).p99).toBeCloseTo(99.01);
  });
});
