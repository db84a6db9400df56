/** A paid month is 30 days: one fixed length keeps expiry arithmetic exact and the same in both databases. */
export const SUBSCRIPTION_MONTH_MS = 30 * 24 * 3600_000;

export type SubscriptionTier = 1 | 2 | 3;

/** What a subscription row holds about its time. */
export interface SubscriptionTerm {
  readonly tier: SubscriptionTier;
  /** Start of the current unbroken run of months. */
  readonly startedAt: number;
  /** Exclusive: at this instant the subscription has lapsed. */
  readonly expiresAt: number;
  /** Months granted in total, across every run. */
  readonly months: number;
}

export function isActive(term: Pick<SubscriptionTerm, 'expiresAt' | 'months'>, nowMs: number): boolean {
  return term.months > 0 && term.expiresAt > nowMs;
}

/**
 * The term after granting `months` at `tier`. While active, the expiry moves out by the months and the run goes on;
 * with none or after a lapse, a new run starts now. The total of months counts every grant either way, and the
 * latest grant's tier applies.
 */
export function extendTerm(
  current: SubscriptionTerm | null,
  grant: { readonly tier: SubscriptionTier; readonly months: number },
  nowMs: number,
): SubscriptionTerm {
  const running = current !== null && isActive(current, nowMs);
  const startedAt = running ? current.startedAt : nowMs;
  const from = running ? current.expiresAt : nowMs;
  return {
    tier: grant.tier,
    startedAt,
    expiresAt: from + grant.months * SUBSCRIPTION_MONTH_MS,
    months: (current?.months ?? 0) + grant.months,
  };
}
