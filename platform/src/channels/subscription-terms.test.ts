import { describe, expect, it } from 'vitest';
import { extendTerm, isActive, SUBSCRIPTION_MONTH_MS } from './subscription-terms.ts';

const MONTH = SUBSCRIPTION_MONTH_MS;
const T0 = 1_800_000_000_000;

describe('extendTerm', () => {
  it('starts a run now when there is none', () => {
    expect(extendTerm(null, { tier: 1, months: 3 }, T0)).toEqual({
      tier: 1,
      startedAt: T0,
      expiresAt: T0 + 3 * MONTH,
      months: 3,
    });
  });

  it('while active, moves the expiry out from the old expiry, adds months, takes the new tier', () => {
    const current = { tier: 1 as const, startedAt: T0, expiresAt: T0 + 2 * MONTH, months: 2 };
    expect(extendTerm(current, { tier: 3, months: 1 }, T0 + 10)).toEqual({
      tier: 3,
      startedAt: T0,
      expiresAt: T0 + 3 * MONTH,
      months: 3,
    });
  });

  it('after a lapse (expiry is exclusive), starts a new run now and keeps the total of months', () => {
    const current = { tier: 2 as const, startedAt: T0, expiresAt: T0 + MONTH, months: 7 };
    const at = T0 + MONTH;
    expect(isActive(current, at - 1)).toBe(true);
    expect(isActive(current, at)).toBe(false);
    expect(extendTerm(current, { tier: 1, months: 2 }, at)).toEqual({
      tier: 1,
      startedAt: at,
      expiresAt: at + 2 * MONTH,
      months: 9,
    });
  });

  it('a placeholder with no months is never active', () => {
    expect(isActive({ expiresAt: T0 + MONTH, months: 0 }, T0)).toBe(false);
  });
});
