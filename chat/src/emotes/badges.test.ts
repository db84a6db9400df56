import { describe, expect, it } from 'vitest';
import { badgesFor } from './badges.ts';

describe('badgesFor', () => {
  it('shows broadcaster, moderator, vip and subscriber in that order, whatever order the roles come in', () => {
    expect(badgesFor(['broadcaster', 'viewer'], null)).toEqual([{ kind: 'broadcaster' }]);
    expect(badgesFor(['moderator', 'vip', 'subscriber', 'follower', 'viewer'], { months: 14, tier: 2 })).toEqual([
      { kind: 'moderator' },
      { kind: 'vip' },
      { kind: 'subscriber', months: 14, tier: 2 },
    ]);
    expect(badgesFor(['viewer', 'subscriber', 'vip'], { months: 1, tier: 3 })).toEqual([
      { kind: 'vip' },
      { kind: 'subscriber', months: 1, tier: 3 },
    ]);
  });

  it('gives plain viewers and followers no badge', () => {
    expect(badgesFor(['viewer'], null)).toEqual([]);
    expect(badgesFor(['follower', 'viewer'], null)).toEqual([]);
    expect(badgesFor([], null)).toEqual([]);
  });

  it('gives a subscriber badge only with the subscription that says its months', () => {
    expect(badgesFor(['subscriber', 'viewer'], null)).toEqual([]);
    // A lapsed subscription (the role is gone) shows nothing even if the record is passed.
    expect(badgesFor(['follower', 'viewer'], { months: 5, tier: 1 })).toEqual([]);
    expect(badgesFor(['subscriber', 'viewer'], { months: 0, tier: 1 })).toEqual([
      { kind: 'subscriber', months: 1, tier: 1 },
    ]);
  });

  it('shows no badge for a banned user, whatever else is passed', () => {
    expect(badgesFor(['banned'], { months: 3, tier: 1 })).toEqual([]);
    expect(badgesFor(['banned', 'moderator'], null)).toEqual([]);
  });
});
