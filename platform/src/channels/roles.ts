import { Listeners } from '@glint/media-core';
import type { Kysely } from 'kysely';
import type { AuthUser } from '../accounts/accounts.ts';
import type { Database } from '../db/schema.ts';
import { badRequest, conflict, forbidden } from '../errors.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { lockUser, requireChannel, requireUserByLogin } from './channel-lookup.ts';

/** A user's standing in one channel. Chat shows badges and applies permissions from these. */
export type ChannelRole = 'broadcaster' | 'moderator' | 'vip' | 'subscriber' | 'follower' | 'viewer' | 'banned';

/** The roles stored as grants; the others follow from ownership, a subscription, a follow, or nothing. */
export type GrantableRole = 'moderator' | 'vip' | 'banned';
export const GRANTABLE_ROLES: readonly GrantableRole[] = ['moderator', 'vip', 'banned'];

/** Highest first: the order rolesOf returns them in. */
const ROLE_ORDER: readonly ChannelRole[] = ['broadcaster', 'moderator', 'vip', 'subscriber', 'follower', 'viewer'];

/** A stored role given or taken: chat drops a banned user's messages and updates badges without asking again. */
export interface RoleChange {
  readonly channel: string;
  readonly userId: string;
  readonly login: string;
  readonly role: GrantableRole;
  readonly granted: boolean;
  /** Login of who made the change. */
  readonly by: string;
}

export interface RoleGrant {
  readonly login: string;
  readonly displayName: string;
  readonly role: GrantableRole;
  readonly grantedAt: number;
}

/**
 * Roles per channel. The broadcaster grants moderator and VIP; the broadcaster or a moderator bans. A ban ends the
 * user's follow and takes away their moderator and VIP grants; a banned user's only effective role is `banned`
 * (their subscription stays stored and counts again once unbanned).
 */
export class Roles {
  /** Every grant and removal that changed something (a ban also reports the moderator and VIP roles it took). */
  readonly changed: Listeners<[RoleChange]>;
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.changed = new Listeners('channel role changes', deps.logger);
  }

  /**
   * The effective roles of a user (null: anonymous) in a channel, highest first: ['banned'] alone for a banned
   * user, else any of broadcaster, moderator, vip, subscriber, follower, always ending with viewer.
   */
  async rolesOf(channel: string, userId: string | null): Promise<ChannelRole[]> {
    const { db, nowMs } = this.#deps;
    const info = await requireChannel(db, channel);
    if (userId === null) return ['viewer'];
    const [grants, subscription, follow] = await Promise.all([
      db
        .selectFrom('channel_roles')
        .select('role')
        .where('channel', '=', channel)
        .where('user_id', '=', userId)
        .execute(),
      db
        .selectFrom('subscriptions')
        .select('expires_at')
        .where('channel', '=', channel)
        .where('user_id', '=', userId)
        .where('expires_at', '>', nowMs())
        .executeTakeFirst(),
      db
        .selectFrom('follows')
        .select('user_id')
        .where('channel', '=', channel)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    ]);
    const held = new Set<ChannelRole>(grants.map((g) => g.role as ChannelRole));
    if (held.has('banned')) return ['banned'];
    if (info.owner_id === userId) held.add('broadcaster');
    if (subscription) held.add('subscriber');
    if (follow) held.add('follower');
    held.add('viewer');
    return ROLE_ORDER.filter((role) => held.has(role));
  }

  /** rolesOf `login`, as `actor` may see it: their own, or anyone's for the broadcaster and moderators. */
  async effectiveRolesFor(channel: string, actor: AuthUser, login: string): Promise<ChannelRole[]> {
    const { db } = this.#deps;
    await requireChannel(db, channel);
    const target = await requireUserByLogin(db, login);
    if (target.id !== actor.id && !(await this.canModerate(channel, actor.id))) {
      throw forbidden(`only ${login}, the broadcaster and moderators of ${channel} may see ${login}'s roles`);
    }
    return this.rolesOf(channel, target.id);
  }

  async isBanned(channel: string, userId: string): Promise<boolean> {
    return hasGrant(this.#deps.db, channel, userId, 'banned');
  }

  /** The broadcaster, or one of the channel's moderators. */
  async canModerate(channel: string, userId: string): Promise<boolean> {
    const info = await requireChannel(this.#deps.db, channel);
    return info.owner_id === userId || (await hasGrant(this.#deps.db, channel, userId, 'moderator'));
  }

  /** Grants `role` to `login` in the channel as `actor` may. Granting a role held already changes nothing. */
  async grant(channel: string, actor: AuthUser, role: GrantableRole, login: string): Promise<void> {
    const { db, nowMs } = this.#deps;
    const { ownerId, target } = await this.#authorize(channel, actor, role, login);
    if (target.id === ownerId) {
      throw badRequest('CANNOT_GRANT_BROADCASTER', `${login} is the broadcaster of ${channel}; that role covers all`);
    }
    const { taken, added } = await db.transaction().execute(async (trx) => {
      let taken: GrantableRole[] = [];
      // Locked, so a ban cannot slip in between this check and the grant (nor a follow into a ban).
      await lockUser(trx, this.#deps.dialect, target.id);
      if (role !== 'banned' && (await hasGrant(trx, channel, target.id, 'banned'))) {
        throw conflict('USER_BANNED', `${login} is banned from ${channel}; unban them before granting ${role}`);
      }
      if (role === 'banned') {
        // A ban ends the follow and takes away any other grant: a banned moderator must not keep moderating.
        await trx.deleteFrom('follows').where('channel', '=', channel).where('user_id', '=', target.id).execute();
        const removed = await trx
          .deleteFrom('channel_roles')
          .where('channel', '=', channel)
          .where('user_id', '=', target.id)
          .where('role', '!=', 'banned')
          .returning('role')
          .execute();
        taken = removed.map((r) => r.role as GrantableRole);
      }
      const inserted = await trx
        .insertInto('channel_roles')
        .values({ channel, user_id: target.id, role, granted_at: nowMs() })
        .onConflict((oc) => oc.columns(['channel', 'user_id', 'role']).doNothing())
        .executeTakeFirst();
      return { taken, added: Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 };
    });
    const change = { channel, userId: target.id, login: target.login, by: actor.login };
    for (const lost of taken) this.changed.emit({ ...change, role: lost, granted: false });
    if (added) this.changed.emit({ ...change, role, granted: true });
  }

  /** Takes `role` from `login` (unban for 'banned'); removing a role not held changes nothing. */
  async revoke(channel: string, actor: AuthUser, role: GrantableRole, login: string): Promise<void> {
    const { target } = await this.#authorize(channel, actor, role, login);
    const result = await this.#deps.db
      .deleteFrom('channel_roles')
      .where('channel', '=', channel)
      .where('user_id', '=', target.id)
      .where('role', '=', role)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) {
      this.changed.emit({ channel, userId: target.id, login: target.login, role, granted: false, by: actor.login });
    }
  }

  /** The users granted `role` in the channel, by login; the broadcaster and moderators may see them. */
  async list(channel: string, actor: AuthUser, role: GrantableRole, page: PageRequest): Promise<PageResult<RoleGrant>> {
    if (!(await this.canModerate(channel, actor.id))) {
      throw forbidden(`only the broadcaster and moderators of ${channel} may list its roles`);
    }
    let query = this.#deps.db
      .selectFrom('channel_roles')
      .innerJoin('users', 'users.id', 'channel_roles.user_id')
      .select(['users.login', 'users.display_name', 'channel_roles.granted_at'])
      .where('channel_roles.channel', '=', channel)
      .where('channel_roles.role', '=', role)
      .orderBy('users.login')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('users.login', '>', page.cursor);
    const rows = await query.execute();
    return toPage(
      rows,
      page,
      (r) => r.login,
      (r) => ({ login: r.login, displayName: r.display_name, role, grantedAt: r.granted_at }),
    );
  }

  /**
   * Who may change which role: moderator and VIP are the broadcaster's to give; bans are the broadcaster's or a
   * moderator's, but a moderator cannot ban (or unban) the broadcaster or another moderator.
   */
  async #authorize(channel: string, actor: AuthUser, role: GrantableRole, login: string) {
    const { db } = this.#deps;
    const info = await requireChannel(db, channel);
    const target = await requireUserByLogin(db, login);
    const isOwner = info.owner_id === actor.id;
    if (role !== 'banned') {
      if (!isOwner) throw forbidden(`only the broadcaster of ${channel} may change its ${role}s`);
    } else if (!isOwner) {
      if (!(await hasGrant(this.#deps.db, channel, actor.id, 'moderator'))) {
        throw forbidden(`only the broadcaster and moderators of ${channel} may ban or unban`);
      }
      if (target.id === info.owner_id || (await hasGrant(this.#deps.db, channel, target.id, 'moderator'))) {
        throw forbidden(`a moderator cannot ban or unban the broadcaster or another moderator of ${channel}`);
      }
    }
    return { ownerId: info.owner_id, target };
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {}
}

/** Whether the user holds the stored grant in the channel. */
export async function hasGrant(
  db: Kysely<Database>,
  channel: string,
  userId: string,
  role: GrantableRole,
): Promise<boolean> {
  const row = await db
    .selectFrom('channel_roles')
    .select('role')
    .where('channel', '=', channel)
    .where('user_id', '=', userId)
    .where('role', '=', role)
    .executeTakeFirst();
  return row !== undefined;
}
