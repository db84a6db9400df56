import type { AuthUser, ChannelRole, Platform } from '@glint/platform';
import { badgesFor } from '../emotes/badges.ts';
import type { Chatter, RoomName } from '../protocol/types.ts';

/** Who a user is in one room: their roles (highest first) and how they appear beside their messages. */
export interface ChatterProfile {
  readonly roles: readonly ChannelRole[];
  readonly chatter: Chatter;
}

interface Cached {
  readonly profile: Promise<ChatterProfile>;
  readonly expiresAtMs: number;
}

/**
 * Roles and badges per user per room, from the platform, reused for a short while: a busy room would otherwise ask
 * the database on every message. A role change made through this process's platform drops the entry at once.
 */
export class ChatterProfiles {
  readonly #platform: Platform;
  readonly #ttlMs: number;
  readonly #nowMs: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #stopListening: () => void;

  constructor(platform: Platform, ttlMs: number, nowMs: () => number) {
    this.#platform = platform;
    this.#ttlMs = ttlMs;
    this.#nowMs = nowMs;
    this.#stopListening = platform.roles.changed.add((change) => this.forget(change.channel, change.userId));
  }

  get(room: RoomName, user: AuthUser): Promise<ChatterProfile> {
    const key = `${room}\n${user.id}`;
    const now = this.#nowMs();
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAtMs > now) return cached.profile;
    const profile = this.#load(room, user);
    this.#cache.set(key, { profile, expiresAtMs: now + this.#ttlMs });
    // A failed lookup is not kept: the next message asks again.
    profile.catch(() => this.#cache.delete(key));
    return profile;
  }

  /** The user's roles now, not cached (moderation decides on these). */
  async freshRoles(room: RoomName, userId: string): Promise<ChannelRole[]> {
    return this.#platform.roles.rolesOf(room, userId);
  }

  forget(room: RoomName, userId: string): void {
    this.#cache.delete(`${room}\n${userId}`);
  }

  /** Forgets a user by login (a ban or unban announced by another pod: their roles changed). */
  forgetLogin(room: RoomName, login: string): void {
    const prefix = `${room}\n`;
    for (const [key, cached] of this.#cache) {
      if (!key.startsWith(prefix)) continue;
      cached.profile.then(
        (profile) => {
          if (profile.chatter.login === login && this.#cache.get(key) === cached) this.#cache.delete(key);
        },
        () => {},
      );
    }
  }

  /** Drops expired entries (called from the server's periodic sweep, so the cache holds active chatters only). */
  sweep(): void {
    const now = this.#nowMs();
    for (const [key, cached] of this.#cache) if (cached.expiresAtMs <= now) this.#cache.delete(key);
  }

  /** How long the user has followed the channel, in ms; null when they do not follow it. */
  async followAgeMs(room: RoomName, userId: string): Promise<number | null> {
    // Follows has no method for the follow's age; the row's created_at is the platform's own record of it.
    const row = await this.#platform.database.db
      .selectFrom('follows')
      .select('created_at')
      .where('channel', '=', room)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? this.#nowMs() - row.created_at : null;
  }

  close(): void {
    this.#stopListening();
    this.#cache.clear();
  }

  async #load(room: RoomName, user: AuthUser): Promise<ChatterProfile> {
    const roles = await this.#platform.roles.rolesOf(room, user.id);
    const subscription = roles.includes('subscriber')
      ? await this.#platform.subscriptions.activeOf(room, user.id)
      : null;
    const badges = badgesFor(roles, subscription);
    return { roles, chatter: { login: user.login, displayName: user.displayName, badges } };
  }
}

/** The broadcaster and moderators: they moderate, and no rate limit or room mode applies to them. */
export function isModerator(roles: readonly ChannelRole[]): boolean {
  return roles.includes('broadcaster') || roles.includes('moderator');
}

/** Moderators and VIPs are spared slow mode and the room's follower and subscriber modes. */
export function isPrivileged(roles: readonly ChannelRole[]): boolean {
  return isModerator(roles) || roles.includes('vip');
}
