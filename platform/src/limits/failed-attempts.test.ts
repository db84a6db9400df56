import { describe, expect, it } from 'vitest';
import { FailedAttemptThrottle } from './failed-attempts.ts';

function clock(startMs = 1_000_000) {
  const c = { nowMs: startMs, now: () => c.nowMs };
  return c;
}

describe('FailedAttemptThrottle', () => {
  it('locks an address out after maxFailures within the window, until the window has passed', () => {
    const time = clock();
    const throttle = new FailedAttemptThrottle({ maxFailures: 3, windowMs: 10_000 }, time.now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
      throttle.recordFailure('10.0.0.1');
      time.nowMs += 1000;
    }
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 7000 });
    expect(throttle.check('10.0.0.2')).toEqual({ allowed: true });
    time.nowMs += 7000;
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('forgets the oldest address first, so a spray from many addresses stays bounded', () => {
    const throttle = new FailedAttemptThrottle({ maxFailures: 1, windowMs: 60_000, maxTrackedAddresses: 100 });
    throttle.recordFailure('first');
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`spray-${i}`);
    expect(throttle.trackedAddresses).toBe(100);
    expect(throttle.check('first')).toEqual({ allowed: true });
    expect(throttle.check('spray-9999').allowed).toBe(false);
  });

  it('counts an IPv6 /64 as one address, so a client cannot rotate through its subnet', () => {
    const throttle = new FailedAttemptThrottle({ maxFailures: 2, windowMs: 60_000 });
    throttle.recordFailure('2001:db8:1:2::a');
    throttle.recordFailure('2001:db8:1:2::b');
    expect(throttle.check('2001:db8:1:2:ffff::1').allowed).toBe(false);
    expect(throttle.check('2001:db8:1:3::a').allowed).toBe(true);
  });
});
