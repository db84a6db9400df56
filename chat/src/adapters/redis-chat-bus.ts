import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '@glint/media-core';
import { createClient } from 'redis';
import type { ChatBus, HistoryPage, StoredRoomSettings, Unsubscribe } from '../hub/chat-bus.ts';
import type { RoomEvent, RoomName, SequencedEvent } from '../protocol/types.ts';
import { ChatBusError } from './chat-bus-error.ts';
import { DEFAULT_HISTORY_LIMIT, DEFAULT_MAX_COUNTERS, DEFAULT_MAX_RESTRICTIONS } from './memory-chat-bus.ts';
import { RedisLink } from './redis-link.ts';
import { RedisRoomFeeds } from './redis-room-feeds.ts';
import { CHATTERS_SCRIPT, HIT_SCRIPT, REPORT_CHATTERS_SCRIPT, script } from './redis-scripts.ts';
import { RedisSharedCopies } from './redis-shared-copies.ts';
import type { Restriction } from './restriction-table.ts';
import type { Subscriber } from './room-feed.ts';
import { WindowCounters } from './window-counters.ts';

export interface RedisChatBusOptions {
  /** e.g. redis://127.0.0.1:6379 */
  readonly url: string;
  /** Prepended to every key and channel, so that several Glints (or tests) share one Redis; default "glint:chat:". */
  readonly keyPrefix?: string;
  /** Events kept per room in Redis (and on each pod for its rooms, for when Redis is away); default 200. */
  readonly historyLimit?: number;
  /**
   * How far a room's seq jumps past the highest a pod knows when Redis lost it (restart without persistence):
   * above whatever any pod delivered locally for the room while Redis was down. Default 1,000,000.
   */
  readonly seqGapAfterLoss?: number;
  /** A pod's chatter count stops counting this long after its last refresh (the bus refreshes at a third). */
  readonly chatterTtlMs?: number;
  /** Most rate-limit windows the local fallback limiter holds. */
  readonly maxCounters?: number;
  /** Most bans and timeouts this pod keeps a copy of. */
  readonly maxRestrictions?: number;
  /** How long `connect` waits for Redis to answer before it fails; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** This pod's name in the chatter hash; default a random UUID. */
  readonly podId?: string;
  readonly nowMs?: () => number;
  readonly logger?: Logger;
}

export const DEFAULT_SEQ_GAP_AFTER_LOSS = 1_000_000;

const HIT = script(HIT_SCRIPT);
const REPORT_CHATTERS = script(REPORT_CHATTERS_SCRIPT);
const CHATTERS = script(CHATTERS_SCRIPT);

/**
 * The ChatBus shared by pods through Redis. A room is one pub/sub channel, subscribed while the pod has a subscriber
 * for it; one Lua script assigns the seq, appends the event to the room's history and publishes the same bytes, so
 * every pod receives a room's events in seq order (RedisRoomFeeds). While Redis is away nothing throws into the
 * server: events are sequenced and delivered on this pod, counters fall back to a local limiter (fail open),
 * restrictions and settings come from this pod's copy (RedisSharedCopies). node-redis reconnects and resubscribes by
 * itself; the bus then re-seeds its rooms' seqs, writes back what Redis lost or missed, and catches up from history.
 */
export class RedisChatBus implements ChatBus {
  readonly #link: RedisLink;
  readonly #rooms: RedisRoomFeeds;
  readonly #shared: RedisSharedCopies;
  readonly #fallbackCounters: WindowCounters;
  readonly #podChatters = new Map<RoomName, number>();
  readonly #chatterTtlMs: number;
  readonly #podId: string;
  #refreshTimer: NodeJS.Timeout | undefined;
  /** Set when a connection drops; cleared when the recovery after it is done. */
  #wasDown = false;
  #recovering = false;
  /** A random value Redis holds while it keeps its data: a different one after a reconnect means it lost them. */
  #epoch = '';
  #closed = false;

  private constructor(options: RedisChatBusOptions) {
    const nowMs = options.nowMs ?? Date.now;
    const logger = options.logger ?? silentLogger;
    const socket = { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) };
    // Commands fail at once while Redis is away (the bus falls back) instead of waiting in node-redis's queue; the
    // subscriber keeps its queue, so a SUBSCRIBE made while away goes out on reconnect.
    const data = createClient({ url: options.url, socket, disableOfflineQueue: true });
    const sub = createClient({ url: options.url, socket });
    this.#link = new RedisLink(data, sub, options.keyPrefix ?? 'glint:chat:', nowMs, logger);
    this.#rooms = new RedisRoomFeeds(
      this.#link,
      options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
      options.seqGapAfterLoss ?? DEFAULT_SEQ_GAP_AFTER_LOSS,
    );
    this.#shared = new RedisSharedCopies(this.#link, options.maxRestrictions ?? DEFAULT_MAX_RESTRICTIONS);
    this.#fallbackCounters = new WindowCounters(options.maxCounters ?? DEFAULT_MAX_COUNTERS, nowMs);
    this.#chatterTtlMs = options.chatterTtlMs ?? 30_000;
    this.#podId = options.podId ?? randomUUID();
    for (const [client, role] of [
      [data, 'commands'],
      [sub, 'pub/sub'],
    ] as const) {
      client.on('error', (error: unknown) => this.#onError(role, error));
      client.on('ready', () => void this.#recover());
    }
  }

  /**
   * Connects both clients; fails with REDIS_UNAVAILABLE when Redis does not answer in time (once connected, the bus
   * rides out outages by itself).
   */
  static async connect(options: RedisChatBusOptions): Promise<RedisChatBus> {
    const bus = new RedisChatBus(options);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ChatBusError(
            'REDIS_UNAVAILABLE',
            `Redis did not answer within ${timeoutMs} ms at REDIS_URL: start it, fix the URL, or unset REDIS_URL to run chat on one node`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([
        Promise.all([bus.#link.data.connect(), bus.#link.sub.connect()]).then(() => bus.#currentEpoch()),
        timedOut,
      ]);
    } catch (error) {
      bus.#closed = true;
      for (const client of [bus.#link.data, bus.#link.sub]) if (client.isOpen) client.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    bus.#epoch = await bus.#currentEpoch();
    bus.#refreshTimer = setInterval(() => void bus.#refreshChatters(), Math.max(10, bus.#chatterTtlMs / 3));
    bus.#refreshTimer.unref();
    return bus;
  }

  /** Both connections up and, after an outage, the recovery done (seqs re-seeded, writes replayed, caught up). */
  get connected(): boolean {
    return this.#link.up && !this.#wasDown;
  }

  publish(room: RoomName, event: RoomEvent): Promise<SequencedEvent> {
    return this.#rooms.publish(room, event);
  }

  subscribe(room: RoomName, onEvent: Subscriber): Promise<Unsubscribe> {
    return this.#rooms.subscribe(room, onEvent, () => this.#closed);
  }

  history(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    return this.#rooms.history(room, options);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    if (this.#link.data.isReady) {
      try {
        return Number(await this.#link.run(HIT, [this.#link.key('hit', key)], [String(limit), String(windowMs)]));
      } catch (error) {
        this.#link.logger.warn({ err: error }, 'chat rate limit through Redis failed: counting on this pod');
      }
    }
    return this.#fallbackCounters.hit(key, limit, windowMs);
  }

  restrict(room: RoomName, login: string, untilMs: number | null): Promise<void> {
    return this.#shared.restrict(room, login, untilMs);
  }

  lift(room: RoomName, login: string): Promise<void> {
    return this.#shared.lift(room, login);
  }

  restriction(room: RoomName, login: string): Promise<Restriction | null> {
    return this.#shared.restriction(room, login);
  }

  settings(room: RoomName): Promise<StoredRoomSettings> {
    return this.#shared.settings(room);
  }

  saveSettings(room: RoomName, settings: StoredRoomSettings): Promise<void> {
    return this.#shared.saveSettings(room, settings);
  }

  async reportChatters(room: RoomName, podCount: number): Promise<void> {
    if (podCount > 0) this.#podChatters.set(room, podCount);
    else this.#podChatters.delete(room);
    if (!this.#link.data.isReady) return; // the refresh writes it when Redis is back
    try {
      await this.#reportChatters(room, podCount);
    } catch (error) {
      this.#link.logger.warn({ err: error, room }, 'chat chatter count to Redis failed: the refresh retries');
    }
  }

  async chatters(room: RoomName): Promise<number> {
    if (this.#link.data.isReady) {
      try {
        return Number(await this.#link.run(CHATTERS, [this.#link.key('chatters', room)], []));
      } catch (error) {
        this.#link.logger.warn({ err: error, room }, 'chat chatter count from Redis failed: counting this pod only');
      }
    }
    return this.#podChatters.get(room) ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    this.#rooms.clear();
    for (const client of [this.#link.data, this.#link.sub]) {
      if (!client.isOpen) continue;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
    }
  }

  #onError(role: string, error: unknown): void {
    if (this.#closed) return;
    if (!this.#wasDown) {
      const message =
        this.#epoch === ''
          ? 'chat cannot reach Redis yet: retrying'
          : 'chat lost Redis: delivering on this pod until it is back';
      this.#link.logger.warn({ err: error, role }, message);
    }
    this.#wasDown = true;
    // An error that did not drop a connection brings no 'ready' after it: recover now.
    if (this.#link.up) setTimeout(() => void this.#recover(), 100).unref();
  }

  /** When both connections are back after an outage: re-seed, write back, catch up; then report connected. */
  async #recover(): Promise<void> {
    if (!this.#wasDown || this.#recovering || !this.#link.up || this.#closed) return;
    this.#recovering = true;
    const { logger } = this.#link;
    logger.info({ rooms: this.#rooms.size }, 'chat has Redis back: re-seeding seqs and catching up');
    try {
      await this.#rooms.reseed();
      const epoch = await this.#currentEpoch();
      if (epoch !== this.#epoch) {
        logger.warn({}, 'chat found Redis emptied (restarted without persistence): writing back bans and settings');
        await this.#shared.restore();
        this.#epoch = epoch;
      }
      await this.#shared.replay();
      await this.#refreshChatters();
      await this.#rooms.catchUp();
      this.#wasDown = false;
    } catch (error) {
      // Redis went away again mid-way (its next 'ready' runs all of this again), or failed otherwise: retry soon.
      logger.warn({ err: error }, 'chat recovery after Redis came back failed: retrying');
      setTimeout(() => void this.#recover(), 1000).unref();
    } finally {
      this.#recovering = false;
    }
  }

  async #currentEpoch(): Promise<string> {
    const key = this.#link.key('epoch');
    await this.#link.data.set(key, randomUUID(), { NX: true });
    return (await this.#link.data.get(key)) ?? '';
  }

  async #refreshChatters(): Promise<void> {
    if (!this.#link.data.isReady) return;
    try {
      await Promise.all([...this.#podChatters].map(([room, count]) => this.#reportChatters(room, count)));
    } catch (error) {
      this.#link.logger.warn({ err: error }, 'chat chatter refresh failed');
    }
  }

  #reportChatters(room: RoomName, count: number): Promise<unknown> {
    return this.#link.run(
      REPORT_CHATTERS,
      [this.#link.key('chatters', room)],
      [this.#podId, String(count), String(this.#chatterTtlMs)],
    );
  }
}
