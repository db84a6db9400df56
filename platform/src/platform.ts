import type { Logger } from '@glint/media-core';
import { Accounts, type AccountsOptions, type AuthUser } from './accounts/accounts.ts';
import { Channels } from './channels/channels.ts';
import { Emotes } from './channels/emotes.ts';
import { Follows } from './channels/follows.ts';
import { Roles } from './channels/roles.ts';
import { StreamKeys } from './channels/stream-keys.ts';
import { Subscriptions } from './channels/subscriptions.ts';
import { type OpenDatabaseOptions, openDatabase, type PlatformDatabase } from './db/open-database.ts';
import { Broadcasts } from './events/broadcasts.ts';
import { Notifications } from './events/notifications.ts';
import { PlatformEvents } from './events/platform-events.ts';
import { PushHub, type PushHubOptions } from './events/push-hub.ts';
import { Webhooks, type WebhooksOptions } from './events/webhooks.ts';
import type { ServiceDeps } from './service-deps.ts';
import type { VodIndex } from './vod/types.ts';
import { SqlVodIndex } from './vod/vod-index.ts';

export interface PlatformOptions {
  /** `sqlite:<file>`, `sqlite::memory:` or `postgres://…`. */
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly nowMs?: () => number;
  /** A stream back within this long continues its broadcast (ingest's reconnect grace). */
  readonly reconnectGraceMs: number;
  readonly accounts?: Partial<AccountsOptions>;
  readonly database?: OpenDatabaseOptions;
  /** Webhook limits and delivery (retries, backoff, timeouts, whether private addresses may be targets). */
  readonly webhooks?: Partial<WebhooksOptions>;
  /** Bounds of the WebSocket push channel. */
  readonly push?: Partial<PushHubOptions>;
}

/**
 * The channel platform: who the users are, what a channel is, who may go live with which key, and what happens
 * when a channel goes live. One instance per process; it owns the database connection.
 */
export class Platform {
  readonly database: PlatformDatabase;
  readonly events: PlatformEvents;
  readonly accounts: Accounts;
  readonly channels: Channels;
  readonly streamKeys: StreamKeys;
  readonly broadcasts: Broadcasts;
  readonly follows: Follows;
  readonly roles: Roles;
  readonly subscriptions: Subscriptions;
  readonly emotes: Emotes;
  readonly notifications: Notifications;
  readonly webhooks: Webhooks;
  readonly push: PushHub;
  /** The VOD archive's index (segments per broadcast and rendition) and clip records. */
  readonly vods: VodIndex;
  readonly deps: ServiceDeps;

  private constructor(database: PlatformDatabase, options: PlatformOptions) {
    this.database = database;
    this.events = new PlatformEvents(options.logger);
    this.deps = {
      db: database.db,
      dialect: database.dialect,
      nowMs: options.nowMs ?? Date.now,
      logger: options.logger,
      events: this.events,
    };
    this.accounts = new Accounts(this.deps, options.accounts);
    this.channels = new Channels(this.deps);
    this.streamKeys = new StreamKeys(this.deps);
    this.broadcasts = new Broadcasts(this.deps, { reconnectGraceMs: options.reconnectGraceMs });
    this.follows = new Follows(this.deps);
    this.roles = new Roles(this.deps);
    this.subscriptions = new Subscriptions(this.deps);
    this.emotes = new Emotes(this.deps);
    this.notifications = new Notifications(this.deps);
    this.webhooks = new Webhooks(this.deps, options.webhooks);
    this.push = new PushHub(this.deps, options.push);
    this.vods = new SqlVodIndex(this.deps);
  }

  /** Opens (and migrates) the database, then closes what a previous process left live. */
  static async open(options: PlatformOptions): Promise<Platform> {
    const database = await openDatabase(options.databaseUrl, options.database);
    const platform = new Platform(database, options);
    await platform.broadcasts.recover();
    return platform;
  }

  /** A streamer account with its channel (named after the login). */
  async signUp(login: string, password: string, displayName?: string): Promise<AuthUser> {
    const user = await this.accounts.createUser(login, password, displayName);
    await this.channels.create(user);
    return user;
  }

  /**
   * A channel whose owner cannot log in (the demo channel of `npm start`, test channels), made when missing, with a
   * fresh stream key (the given one, or a random one). Returns the key.
   */
  async seedChannel(login: string, displayName: string, streamKey?: string): Promise<string> {
    const existing = await this.accounts.userByLogin(login);
    const owner = existing ?? (await this.accounts.createUser(login, null, displayName));
    if (!(await this.channels.get(owner.login))) await this.channels.create(owner, { title: displayName });
    return this.streamKeys.rotate(owner.login, streamKey);
  }

  async close(): Promise<void> {
    await this.broadcasts.close();
    await Promise.all([this.notifications.close(), this.webhooks.close(), this.push.close()]);
    await Promise.all([this.follows.close(), this.roles.close(), this.subscriptions.close()]);
    await this.database.close();
  }
}
