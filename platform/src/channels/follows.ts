import type { AuthUser } from '../accounts/accounts.ts';
import { badRequest, forbidden } from '../errors.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { lockUser, requireChannel } from './channel-lookup.ts';
import { channelSummaries, type LiveState, toSummary } from './channels.ts';
import { hasGrant } from './roles.ts';

/** A channel a user follows, with whether it is live now. */
export interface FollowedChannel {
  readonly channel: string;
  readonly displayName: string;
  readonly title: string;
  readonly followedAt: number;
  readonly live: LiveState | null;
}

/** Follow and unfollow; followers of a channel. A ban ends a follow (Roles does that) and prevents a new one. */
export class Follows {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Follows the channel; following it again changes nothing (the first follow's time stays). */
  async follow(user: AuthUser, channel: string): Promise<void> {
    const { db, dialect, nowMs } = this.#deps;
    const info = await requireChannel(db, channel);
    if (info.owner_id === user.id) throw badRequest('CANNOT_FOLLOW_OWN_CHANNEL', 'you cannot follow your own channel');
    await db.transaction().execute(async (trx) => {
      await lockUser(trx, dialect, user.id);
      if (await hasGrant(trx, channel, user.id, 'banned')) {
        throw forbidden(`you are banned from ${channel} and cannot follow it`);
      }
      await trx
        .insertInto('follows')
        .values({ user_id: user.id, channel, created_at: nowMs() })
        .onConflict((oc) => oc.columns(['user_id', 'channel']).doNothing())
        .execute();
    });
  }

  /** Stops following; false when the user did not follow the channel. */
  async unfollow(userId: string, channel: string): Promise<boolean> {
    const { db } = this.#deps;
    await requireChannel(db, channel);
    const result = await db
      .deleteFrom('follows')
      .where('user_id', '=', userId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async isFollowing(userId: string, channel: string): Promise<boolean> {
    const row = await this.#deps.db
      .selectFrom('follows')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row !== undefined;
  }

  async followerCount(channel: string): Promise<number> {
    const row = await this.#deps.db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('channel', '=', channel)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The channels the user follows, by name, each with its live state. */
  async followedBy(userId: string, page: PageRequest): Promise<PageResult<FollowedChannel>> {
    let query = channelSummaries(this.#deps.db)
      .innerJoin('follows', 'follows.channel', 'channels.name')
      .select('follows.created_at')
      .where('follows.user_id', '=', userId)
      .orderBy('channels.name')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('channels.name', '>', page.cursor);
    const rows = await query.execute();
    return toPage(
      rows,
      page,
      (r) => r.name,
      (r) => {
        const { name, displayName, title, live } = toSummary(r);
        return { channel: name, displayName, title, followedAt: r.created_at, live };
      },
    );
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {}
}
