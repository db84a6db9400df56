import { describe, expect, it } from 'vitest';
import { slope } from './slope.ts';

describe('slope', () => {
  it('is the rate of a straight line, whatever its offset', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 100 + 5 * x })))).toBeCloseTo(5);
  });

  it('fits noisy points by least squares', () => {
    expect(
      slope([
        { x: 0, y: 0 },
        { x: 1, y: 2 },
        { x: 2, y: 2 },
        { x: 3, y: 4 },
      ]),
    ).toBeCloseTo(1.2);
  });

  it('is NaN without two distinct x', () => {
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(
      slope([
        { x: 1, y: 1 },
        { x: 1, y: 3 },
      ]),
    ).toBeNaN();
  });
});
