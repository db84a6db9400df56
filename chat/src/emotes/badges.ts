import type { ChannelRole } from '@glint/platform';
import type { Badge } from '../protocol/types.ts';

/** What badges need of a subscription (the platform's Subscription has these and more). */
export interface SubscriptionBadgeInfo {
  /** Months paid for in total, across renewals. */
  readonly months: number;
  readonly tier: 1 | 2 | 3;
}

/**
 * A chatter's badges in one channel, in display order: broadcaster, moderator, VIP, subscriber (with months and
 * tier). From the platform's roles (highest first) and the user's active subscription; a banned user shows none.
 */
export function badgesFor(roles: readonly ChannelRole[], subscription: SubscriptionBadgeInfo | null): Badge[] {
  if (roles.includes('banned')) return [];
  const badges: Badge[] = [];
  if (roles.includes('broadcaster')) badges.push({ kind: 'broadcaster' });
  if (roles.includes('moderator')) badges.push({ kind: 'moderator' });
  if (roles.includes('vip')) badges.push({ kind: 'vip' });
  // The subscription carries the months; a role without it (it lapsed between two reads) shows no badge.
  if (subscription !== null && roles.includes('subscriber')) {
    badges.push({ kind: 'subscriber', months: Math.max(1, Math.floor(subscription.months)), tier: subscription.tier });
  }
  return badges;
}
