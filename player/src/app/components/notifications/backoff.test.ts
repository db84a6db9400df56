import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles from 1 s to 30 s, each delay between half and all of its step', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 0.999_999))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect([0, 1, 2, 5, 50].map((n) => backoffMs(n, 0))).toEqual([500, 1000, 2000, 15_000, 15_000]);
  });

  it('stays bounded for any attempt count', () => {
    for (const n of [-1, 0, 30, 1000, Number.MAX_SAFE_INTEGER]) {
      const ms = backoffMs(n, 0.5);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(BACKOFF_MAX_MS);
    }
  });
});
