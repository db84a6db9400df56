import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

function clock(startMs = 9_000_000) {
  const c = { nowMs: startMs, now: () => c.nowMs };
  return c;
}

function fail(throttle: LoginThrottle, login: string, address: string): void {
  const attempt = throttle.attempt(login, address);
  if (!attempt.allowed) throw new Error(`attempt of ${address} on ${login} refused`);
  attempt.settle('failed');
}

describe('LoginThrottle', () => {
  it('counts an IPv6 /64 as one address', () => {
    const throttle = new LoginThrottle({ perAddress: 2, perLogin: 100 });
    fail(throttle, 'a', '2001:db8:1:2::a');
    fail(throttle, 'b', '2001:db8:1:2::b');
    expect(throttle.attempt('c', '2001:db8:1:2:ffff::1').allowed).toBe(false);
    expect(throttle.attempt('c', '2001:db8:1:3::1').allowed).toBe(true);
  });

  it('counts logins case-insensitively', () => {
    const time = clock();
    const throttle = new LoginThrottle({ perAddress: 100, perLogin: 2 }, time.now);
    fail(throttle, 'Alice', '10.0.0.1');
    fail(throttle, 'ALICE', '10.0.0.2');
    expect(throttle.attempt('alice', '10.0.0.3')).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 });
  });

  it('an abandoned attempt (the check never ran) is taken back and teaches nothing', () => {
    const throttle = new LoginThrottle({ perAddress: 1, perLogin: 1 });
    const attempt = throttle.attempt('bob', '10.0.0.1');
    expect(attempt.allowed).toBe(true);
    if (attempt.allowed) attempt.settle('abandoned');
    const next = throttle.attempt('bob', '10.0.0.1');
    expect(next.allowed).toBe(true);
    if (next.allowed) {
      next.settle('failed');
      next.settle('succeeded'); // only the first settle counts
    }
    expect(throttle.attempt('bob', '10.0.0.1').allowed).toBe(false);
    expect(throttle.tracked.known).toBe(0);
  });

  it('the window passes', () => {
    const time = clock();
    const throttle = new LoginThrottle({ perAddress: 1, perLogin: 1, windowMs: 1000 }, time.now);
    fail(throttle, 'carol', '10.0.0.1');
    time.nowMs += 999;
    expect(throttle.attempt('carol', '10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 1 });
    time.nowMs += 1;
    expect(throttle.attempt('carol', '10.0.0.1').allowed).toBe(true);
  });

  it('stays bounded under a spray of addresses, logins and successes', () => {
    const throttle = new LoginThrottle({ maxTracked: 500 });
    for (let i = 0; i < 20_000; i++) {
      const attempt = throttle.attempt(`user_${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (attempt.allowed) attempt.settle(i % 2 === 0 ? 'failed' : 'succeeded');
    }
    expect(throttle.tracked).toEqual({ addresses: 500, logins: 500, known: 500 });
  });
});
