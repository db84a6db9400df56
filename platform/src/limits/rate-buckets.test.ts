import { describe, expect, it } from 'vitest';
import { RateBuckets } from './rate-buckets.ts';

function clock(startMs = 5_000_000) {
  const c = { nowMs: startMs, now: () => c.nowMs };
  return c;
}

describe('RateBuckets', () => {
  it('allows max per window per key, then says how long until the window resets', () => {
    const time = clock();
    const buckets = new RateBuckets({ max: 3, windowMs: 60_000, nowMs: time.now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    time.nowMs += 20_000;
    expect(buckets.take('a')).toBe(40_000);
    expect(buckets.take('b')).toBe(0);
    time.nowMs += 40_000;
    expect(buckets.take('a')).toBe(0);
  });

  it('waitMs looks without counting; refund takes one count back within the window only', () => {
    const time = clock();
    const buckets = new RateBuckets({ max: 2, windowMs: 1000, nowMs: time.now });
    expect(buckets.waitMs('k')).toBe(0);
    buckets.take('k');
    buckets.take('k');
    expect(buckets.waitMs('k')).toBe(1000);
    expect(buckets.waitMs('k')).toBe(1000);
    buckets.refund('k');
    expect(buckets.waitMs('k')).toBe(0);
    buckets.refund('k');
    buckets.refund('k');
    buckets.refund('k');
    expect([buckets.take('k'), buckets.take('k'), buckets.take('k')]).toEqual([0, 0, 1000]);
    time.nowMs += 1000;
    buckets.refund('k');
    expect(buckets.size).toBe(0);
  });

  it('tracks at most maxKeys under a flood of distinct keys, forgetting the oldest window first', () => {
    const time = clock();
    const buckets = new RateBuckets({ max: 1, windowMs: 60_000, maxKeys: 100, nowMs: time.now });
    buckets.take('first');
    for (let i = 0; i < 100_000; i++) {
      buckets.take(`flood-${i}`);
      if (i % 1000 === 0) time.nowMs += 1;
    }
    expect(buckets.size).toBe(100);
    // The first key was forgotten, so it starts a fresh window; the newest is still counted.
    expect(buckets.take('first')).toBe(0);
    expect(buckets.take('flood-99999')).toBeGreaterThan(0);
    expect(buckets.size).toBe(100);
  });

  it('a key whose window renews moves to the back, so a busy key outlives idle ones', () => {
    const time = clock();
    const buckets = new RateBuckets({ max: 5, windowMs: 1000, maxKeys: 3, nowMs: time.now });
    buckets.take('busy');
    buckets.take('idle-1');
    time.nowMs += 1000;
    buckets.take('busy');
    buckets.take('idle-2');
    buckets.take('new');
    expect(buckets.size).toBe(3);
    for (let i = 0; i < 4; i++) buckets.take('busy');
    expect(buckets.take('busy')).toBeGreaterThan(0);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new RateBuckets({ max: 1, windowMs: 0 })).toThrow(RangeError);
    expect(() => new RateBuckets({ max: -1, windowMs: 1000 })).toThrow(RangeError);
  });
});
