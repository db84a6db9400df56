import type { AuthUser } from '../accounts/accounts.ts';
import { badRequest, forbidden } from '../errors.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { requireChannel, requireUserByLogin } from './channel-lookup.ts';
import { extendTerm, isActive, SUBSCRIPTION_MONTH_MS, type SubscriptionTier } from './subscription-terms.ts';

export { SUBSCRIPTION_MONTH_MS, type SubscriptionTier };

export interface Subscription {
  readonly channel: string;
  readonly login: string;
  readonly displayName: string;
  readonly tier: SubscriptionTier;
  /** Start of the current unbroken run of months (a lapse starts a new run). */
  readonly startedAt: number;
  readonly expiresAt: number;
  /** Months granted in total, across every run. */
  readonly months: number;
  readonly active: boolean;
}

/**
 * Subscriptions: tiers 1/2/3 with start, expiry and months counted. Payment is out of scope: the broadcaster grants
 * them. A grant while active extends the expiry and adds the months (the new tier applies); a grant after a lapse
 * starts a new run (startedAt is now) but the total of months keeps counting.
 */
export class Subscriptions {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async grant(
    channel: string,
    actor: AuthUser,
    login: string,
    tier: SubscriptionTier,
    months: number,
  ): Promise<Subscription> {
    const { db, dialect, nowMs } = this.#deps;
    const info = await requireChannel(db, channel);
    if (info.owner_id !== actor.id) throw forbidden(`only the broadcaster of ${channel} may grant subscriptions`);
    if (!Number.isInteger(months) || months < 1 || months > 12) {
      throw badRequest('BAD_MONTHS', 'a grant is 1 to 12 months');
    }
    const user = await requireUserByLogin(db, login);
    if (user.id === info.owner_id) {
      throw badRequest('CANNOT_SUBSCRIBE_OWN_CHANNEL', 'a broadcaster cannot subscribe to their own channel');
    }
    const now = nowMs();
    await db.transaction().execute(async (trx) => {
      // A lapsed placeholder when there is none yet, then one locked read-modify-write: concurrent grants add up.
      await trx
        .insertInto('subscriptions')
        .values({ user_id: user.id, channel, tier, started_at: now, expires_at: now, months: 0 })
        .onConflict((oc) => oc.columns(['user_id', 'channel']).doNothing())
        .execute();
      let read = trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('channel', '=', channel);
      if (dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      const current = {
        tier: row.tier as SubscriptionTier,
        startedAt: row.started_at,
        expiresAt: row.expires_at,
        months: row.months,
      };
      const next = extendTerm(current, { tier, months }, now);
      await trx
        .updateTable('subscriptions')
        .set({ tier: next.tier, started_at: next.startedAt, expires_at: next.expiresAt, months: next.months })
        .where('user_id', '=', user.id)
        .where('channel', '=', channel)
        .execute();
    });
    const granted = await this.#query()
      .where('s.user_id', '=', user.id)
      .where('s.channel', '=', channel)
      .executeTakeFirstOrThrow();
    return this.#toSubscription(granted);
  }

  /** The user's subscription to the channel while it runs; null when none or lapsed. */
  async activeOf(channel: string, userId: string): Promise<Subscription | null> {
    const row = await this.#query()
      .where('s.user_id', '=', userId)
      .where('s.channel', '=', channel)
      .where('s.expires_at', '>', this.#deps.nowMs())
      .executeTakeFirst();
    return row ? this.#toSubscription(row) : null;
  }

  /** The channel's subscribers (active and lapsed), by login; for its broadcaster only. */
  async ofChannel(channel: string, actor: AuthUser, page: PageRequest): Promise<PageResult<Subscription>> {
    const info = await requireChannel(this.#deps.db, channel);
    if (info.owner_id !== actor.id) throw forbidden(`only the broadcaster of ${channel} may list its subscribers`);
    let query = this.#query()
      .where('s.channel', '=', channel)
      .orderBy('u.login')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('u.login', '>', page.cursor);
    return toPage(
      await query.execute(),
      page,
      (r) => r.login,
      (r) => this.#toSubscription(r),
    );
  }

  /** The user's subscriptions (active and lapsed), by channel name. */
  async ofUser(userId: string, page: PageRequest): Promise<PageResult<Subscription>> {
    let query = this.#query()
      .where('s.user_id', '=', userId)
      .orderBy('s.channel')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('s.channel', '>', page.cursor);
    return toPage(
      await query.execute(),
      page,
      (r) => r.channel,
      (r) => this.#toSubscription(r),
    );
  }

  #query() {
    return this.#deps.db
      .selectFrom('subscriptions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.channel', 'u.login', 'u.display_name', 's.tier', 's.started_at', 's.expires_at', 's.months']);
  }

  #toSubscription(row: {
    channel: string;
    login: string;
    display_name: string;
    tier: number;
    started_at: number;
    expires_at: number;
    months: number;
  }): Subscription {
    return {
      channel: row.channel,
      login: row.login,
      displayName: row.display_name,
      tier: row.tier as SubscriptionTier,
      startedAt: row.started_at,
      expiresAt: row.expires_at,
      months: row.months,
      active: isActive({ expiresAt: row.expires_at, months: row.months }, this.#deps.nowMs()),
    };
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {}
}
