import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '@glint/media-core';
import { createClient } from 'redis';
import {
  type ChatBus,
  DEFAULT_ROOM_SETTINGS,
  type HistoryPage,
  type StoredRoomSettings,
  type Unsubscribe,
} from '../hub/chat-bus.ts';
import type { RoomEvent, RoomName, SequencedEvent } from '../protocol/types.ts';
import { pageOf } from './history-ring.ts';
import { DEFAULT_HISTORY_LIMIT, DEFAULT_MAX_COUNTERS, DEFAULT_MAX_RESTRICTIONS } from './memory-chat-bus.ts';
import {
  CHATTERS_SCRIPT,
  HISTORY_SCRIPT,
  HIT_SCRIPT,
  PUBLISH_SCRIPT,
  REPORT_CHATTERS_SCRIPT,
  RESEED_SCRIPT,
  runScript,
  type Script,
  script,
} from './redis-scripts.ts';
import { type Restriction, RestrictionTable } from './restriction-table.ts';
import { RoomFeed, type Subscriber } from './room-feed.ts';
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
   * above whatever each pod delivered locally for the room while Redis was down. Default 1,000,000.
   */
  readonly seqGapAfterLoss?: number;
  /** A pod's chatter count stops counting this long after its last refresh (the bus refreshes at a third). */
  readonly chatterTtlMs?: number;
  readonly maxCounters?: number;
  readonly maxRestrictions?: number;
  /** This pod's name in the chatter hash; default a random UUID. */
  readonly podId?: string;
  readonly nowMs?: () => number;
  readonly logger?: Logger;
}

type Client = ReturnType<typeof createClient>;

const SCRIPTS = {
  publish: script(PUBLISH_SCRIPT),
  reseed: script(RESEED_SCRIPT),
  history: script(HISTORY_SCRIPT),
  hit: script(HIT_SCRIPT),
  reportChatters: script(REPORT_CHATTERS_SCRIPT),
  chatters: script(CHATTERS_SCRIPT),
} as const;

/**
 * The ChatBus shared by pods through Redis. A room is one pub/sub channel, subscribed while the pod has a subscriber
 * for it; one Lua script assigns the seq, appends the event to the room's history and publishes the same bytes, so
 * every pod receives a room's events in seq order. While Redis is away nothing throws into the server: events are
 * sequenced and delivered on this pod (above the last seq it knows), counters fall back to a local limiter (fail
 * open), restrictions and settings come from a local cache and are written to Redis when it is back; node-redis
 * reconnects and resubscribes by itself, and the bus then re-seeds its rooms' seqs and catches up from history.
 */
export class RedisChatBus implements ChatBus {
  readonly #data: Client;
  readonly #sub: Client;
  readonly #prefix: string;
  readonly #historyLimit: number;
  readonly #seqGap: number;
  readonly #chatterTtlMs: number;
  readonly #podId: string;
  readonly #logger: Logger;
  readonly #feeds = new Map<RoomName, RoomFeed>();
  readonly #fallbackCounters: WindowCounters;
  readonly #restrictions: RestrictionTable;
  readonly #settings = new Map<RoomName, StoredRoomSettings>();
  /** Writes made while Redis was away, replayed when it is back (the latest per key wins). */
  readonly #unsynced = new Map<string, () => Promise<unknown>>();
  readonly #podChatters = new Map<RoomName, number>();
  /** Rooms this pod subscribes to: 'pending' until Redis confirms the SUBSCRIBE. */
  readonly #listening = new Map<RoomName, 'pending' | 'on'>();
  readonly #nowMs: () => number;
  #refreshTimer: NodeJS.Timeout | undefined;
  #wasDown = false;
  #recovering = false;
  /** A random value Redis holds while it keeps its data: a different one after a reconnect means it lost them. */
  #epoch = '';
  #closed = false;

  private constructor(options: RedisChatBusOptions) {
    const nowMs = options.nowMs ?? Date.now;
    this.#nowMs = nowMs;
    this.#prefix = options.keyPrefix ?? 'glint:chat:';
    this.#historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.#seqGap = options.seqGapAfterLoss ?? 1_000_000;
    this.#chatterTtlMs = options.chatterTtlMs ?? 30_000;
    this.#podId = options.podId ?? randomUUID();
    this.#logger = options.logger ?? silentLogger;
    this.#fallbackCounters = new WindowCounters(options.maxCounters ?? DEFAULT_MAX_COUNTERS, nowMs);
    this.#restrictions = new RestrictionTable(options.maxRestrictions ?? DEFAULT_MAX_RESTRICTIONS, nowMs);
    const socket = { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) };
    // Commands fail at once while Redis is away (the bus falls back) instead of waiting in node-redis's queue.
    this.#data = createClient({ url: options.url, socket, disableOfflineQueue: true });
    // The subscriber keeps its queue: a SUBSCRIBE made while away goes out on reconnect.
    this.#sub = createClient({ url: options.url, socket });
    for (const [client, role] of [
      [this.#data, 'commands'],
      [this.#sub, 'pub/sub'],
    ] as const) {
      client.on('error', (error: unknown) => this.#onError(role, error));
      client.on('ready', () => void this.#onReady());
    }
  }

  /** Connects both clients (waits until Redis answers). */
  static async connect(options: RedisChatBusOptions): Promise<RedisChatBus> {
    const bus = new RedisChatBus(options);
    await Promise.all([bus.#data.connect(), bus.#sub.connect()]);
    bus.#epoch = await bus.#currentEpoch();
    bus.#refreshTimer = setInterval(() => void bus.#refreshChatters(), Math.max(10, bus.#chatterTtlMs / 3));
    bus.#refreshTimer.unref();
    return bus;
  }

  /** Both connections up and, after an outage, the recovery done (seqs re-seeded, writes replayed, caught up). */
  get connected(): boolean {
    return this.#data.isReady && this.#sub.isReady && !this.#wasDown;
  }

  async publish(room: RoomName, event: RoomEvent): Promise<SequencedEvent> {
    const feed = this.#feed(room);
    if (this.#data.isReady) {
      try {
        const payload = await this.#run(
          SCRIPTS.publish,
          [this.#key('seq', room), this.#key('history', room)],
          [
            this.#channel(room),
            JSON.stringify(event),
            String(this.#historyLimit),
            String(feed.highestSeen),
            String(this.#seqGap),
          ],
        );
        const sequenced = JSON.parse(String(payload)) as SequencedEvent;
        feed.noteSeen(sequenced.seq);
        return sequenced;
      } catch (error) {
        this.#logger.warn({ err: error, room }, 'chat publish through Redis failed: delivering on this pod only');
      }
    }
    // Above every seq this pod knows, so that it never repeats one its subscribers saw; the re-seed moves Redis past it.
    const sequenced: SequencedEvent = { ...event, seq: feed.highestSeen + 1 };
    feed.offerLocal(sequenced);
    return sequenced;
  }

  async subscribe(room: RoomName, onEvent: Subscriber): Promise<Unsubscribe> {
    const feed = this.#feed(room);
    const subscriber: Subscriber = (event) => onEvent(event);
    const first = feed.subscribers.size === 0;
    feed.subscribers.add(subscriber);
    if (first) await this.#listen(feed);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      feed.subscribers.delete(subscriber);
      if (feed.subscribers.size === 0 && !this.#closed) await this.#unlisten(feed);
    };
  }

  async history(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    const feed = this.#feeds.get(room);
    if (this.#data.isReady) {
      try {
        return await this.#redisHistory(room, options);
      } catch (error) {
        this.#logger.warn({ err: error, room }, 'chat history from Redis failed: answering from this pod');
      }
    }
    if (!feed) return pageOf([], options, 0);
    return feed.recent.page(options, feed.highestSeen);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    if (this.#data.isReady) {
      try {
        return Number(await this.#run(SCRIPTS.hit, [this.#key('hit', key)], [String(limit), String(windowMs)]));
      } catch (error) {
        this.#logger.warn({ err: error }, 'chat rate limit through Redis failed: counting on this pod');
      }
    }
    return this.#fallbackCounters.hit(key, limit, windowMs);
  }

  async restrict(room: RoomName, login: string, untilMs: number | null): Promise<void> {
    this.#restrictions.set(room, login, untilMs);
    const key = this.#key('restriction', room, login.toLowerCase());
    await this.#write(key, async () => {
      if (untilMs === null) return this.#data.set(key, 'ban');
      const ttlMs = untilMs - this.#nowMs();
      return ttlMs > 0 ? this.#data.set(key, String(untilMs), { PX: ttlMs }) : this.#data.del(key);
    });
  }

  async lift(room: RoomName, login: string): Promise<void> {
    this.#restrictions.lift(room, login);
    const key = this.#key('restriction', room, login.toLowerCase());
    await this.#write(key, () => this.#data.del(key));
  }

  async restriction(room: RoomName, login: string): Promise<Restriction | null> {
    const key = this.#key('restriction', room, login.toLowerCase());
    if (this.#data.isReady && !this.#unsynced.has(key)) {
      try {
        const value = await this.#data.get(key);
        const untilMs = value === null ? undefined : value === 'ban' ? null : Number(value);
        if (untilMs === undefined) this.#restrictions.lift(room, login);
        else this.#restrictions.set(room, login, untilMs);
      } catch (error) {
        this.#logger.warn({ err: error, room }, 'chat restriction read from Redis failed: using this pod’s copy');
      }
    }
    return this.#restrictions.get(room, login);
  }

  async settings(room: RoomName): Promise<StoredRoomSettings> {
    const key = this.#key('settings', room);
    if (this.#data.isReady && !this.#unsynced.has(key)) {
      try {
        const value = await this.#data.get(key);
        const settings = value === null ? DEFAULT_ROOM_SETTINGS : (JSON.parse(value) as StoredRoomSettings);
        this.#settings.set(room, settings);
        return settings;
      } catch (error) {
        this.#logger.warn({ err: error, room }, 'chat settings read from Redis failed: using this pod’s copy');
      }
    }
    return this.#settings.get(room) ?? DEFAULT_ROOM_SETTINGS;
  }

  async saveSettings(room: RoomName, settings: StoredRoomSettings): Promise<void> {
    this.#settings.set(room, settings);
    const key = this.#key('settings', room);
    await this.#write(key, () => this.#data.set(key, JSON.stringify(settings)));
  }

  async reportChatters(room: RoomName, podCount: number): Promise<void> {
    if (podCount > 0) this.#podChatters.set(room, podCount);
    else this.#podChatters.delete(room);
    if (!this.#data.isReady) return; // the refresh writes it when Redis is back
    try {
      await this.#reportChatters(room, podCount);
    } catch (error) {
      this.#logger.warn({ err: error, room }, 'chat chatter count to Redis failed: the refresh retries');
    }
  }

  async chatters(room: RoomName): Promise<number> {
    if (this.#data.isReady) {
      try {
        return Number(await this.#run(SCRIPTS.chatters, [this.#key('chatters', room)], []));
      } catch (error) {
        this.#logger.warn({ err: error, room }, 'chat chatter count from Redis failed: counting this pod only');
      }
    }
    return this.#podChatters.get(room) ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    for (const feed of this.#feeds.values()) feed.subscribers.clear();
    for (const client of [this.#data, this.#sub]) {
      if (!client.isOpen) continue;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
    }
  }

  // ---- rooms ------------------------------------------------------------------------------------------------------

  #feed(room: RoomName): RoomFeed {
    let feed = this.#feeds.get(room);
    if (!feed) {
      feed = new RoomFeed(room, this.#historyLimit, this.#logger);
      this.#feeds.set(room, feed);
    }
    return feed;
  }

  /**
   * The pod's first subscriber for the room: SUBSCRIBE, then live delivery starts after the room's current seq (what
   * came before belongs to the history a joining client reads). While Redis is away the SUBSCRIBE waits in
   * node-redis's queue and the call returns at once.
   */
  async #listen(feed: RoomFeed): Promise<void> {
    const room = feed.room;
    if (this.#listening.has(room)) return;
    this.#listening.set(room, 'pending');
    const subscribed = this.#sub
      .subscribe(this.#channel(room), (message) => this.#onMessage(feed, message))
      .then(
        () => {
          if (this.#listening.has(room)) this.#listening.set(room, 'on');
          return true;
        },
        (error: unknown) => {
          // A SUBSCRIBE in flight when Redis went away: the next reconnect subscribes again.
          this.#listening.delete(room);
          this.#logger.warn({ err: error, room }, 'chat subscribe failed: retrying when Redis is back');
          return false;
        },
      );
    if (!this.#data.isReady || !this.#sub.isReady) return;
    feed.hold();
    try {
      if (await subscribed) {
        const start = Number((await this.#data.get(this.#key('seq', room))) ?? 0);
        if (start > feed.lastDelivered) feed.lastDelivered = start;
        feed.noteSeen(start);
      }
    } catch (error) {
      this.#logger.warn({ err: error, room }, 'chat could not read the seq of a room it subscribed to');
    }
    feed.release();
  }

  async #unlisten(feed: RoomFeed): Promise<void> {
    feed.recent.clear();
    this.#listening.delete(feed.room);
    try {
      await this.#sub.unsubscribe(this.#channel(feed.room));
    } catch (error) {
      this.#logger.warn({ err: error, room: feed.room }, 'chat unsubscribe failed');
    }
  }

  #onMessage(feed: RoomFeed, message: string): void {
    if (feed.subscribers.size === 0) return; // an unsubscribe on its way
    let event: SequencedEvent;
    try {
      event = JSON.parse(message) as SequencedEvent;
    } catch (error) {
      this.#logger.error({ err: error, room: feed.room }, 'chat event from Redis is not JSON: dropped');
      return;
    }
    if (feed.offer(event) === 'gap') void this.#catchUp(feed);
  }

  /** Fills a gap (a missed pub/sub message, a reconnect) from the room's history, then releases what waited. */
  async #catchUp(feed: RoomFeed): Promise<void> {
    feed.hold();
    let recovered: readonly SequencedEvent[] = [];
    try {
      if (this.#data.isReady) {
        const page = await this.#redisHistory(feed.room, { sinceSeq: feed.lastDelivered, limit: this.#historyLimit });
        recovered = page.events;
      }
    } catch (error) {
      this.#logger.warn({ err: error, room: feed.room }, 'chat catch-up from Redis history failed');
    }
    feed.release(recovered);
  }

  async #redisHistory(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    // One more than asked when resuming: the event at sinceSeq + 1 tells whether the page holds everything after it.
    const wanted = Math.min(this.#historyLimit, Math.max(0, options.limit) + (options.sinceSeq === undefined ? 0 : 1));
    if (wanted === 0) return pageOf([], options, Number(await this.#data.get(this.#key('seq', room))) || 0);
    const reply = (await this.#run(
      SCRIPTS.history,
      [this.#key('seq', room), this.#key('history', room)],
      [String(wanted)],
    )) as string[];
    const [seq = '0', ...stored] = reply;
    return pageOf(
      stored.map((json) => JSON.parse(json) as SequencedEvent),
      options,
      Number(seq),
    );
  }

  // ---- Redis away and back ----------------------------------------------------------------------------------------

  #onError(role: string, error: unknown): void {
    if (this.#closed) return;
    if (!this.#wasDown)
      this.#logger.warn({ err: error, role }, 'chat lost Redis: delivering on this pod until it is back');
    this.#wasDown = true;
  }

  /** When both clients are back after an outage: re-seed the rooms' seqs, replay writes, catch up from history. */
  async #onReady(): Promise<void> {
    if (!this.#wasDown || this.#recovering || !this.#data.isReady || !this.#sub.isReady || this.#closed) return;
    this.#recovering = true;
    this.#logger.info({ rooms: this.#feeds.size }, 'chat has Redis back: re-seeding seqs and catching up');
    try {
      for (const feed of this.#feeds.values()) {
        if (feed.highestSeen === 0) continue;
        await this.#run(
          SCRIPTS.reseed,
          [this.#key('seq', feed.room)],
          [String(feed.highestSeen), String(this.#seqGap)],
        );
      }
      const epoch = await this.#currentEpoch();
      if (epoch !== this.#epoch) {
        this.#logger.warn(
          {},
          'chat found Redis emptied (restarted without persistence): writing back bans and settings',
        );
        await this.#restoreShared();
        this.#epoch = epoch;
      }
      for (const [key, write] of [...this.#unsynced]) {
        await write();
        this.#unsynced.delete(key);
      }
      await this.#refreshChatters();
      for (const feed of this.#feeds.values()) {
        if (feed.subscribers.size === 0) continue;
        if (this.#listening.has(feed.room)) await this.#catchUp(feed);
        else void this.#listen(feed);
      }
      this.#wasDown = false;
    } catch (error) {
      // Redis went away again mid-way (the next 'ready' runs all of this again), or failed otherwise: retry soon.
      this.#logger.warn({ err: error }, 'chat recovery after Redis came back failed: retrying');
      setTimeout(() => void this.#onReady(), 1000).unref();
    } finally {
      this.#recovering = false;
    }
  }

  async #currentEpoch(): Promise<string> {
    const key = this.#key('epoch');
    await this.#data.set(key, randomUUID(), { NX: true });
    return (await this.#data.get(key)) ?? '';
  }

  /**
   * After Redis lost its data: this pod's copies of restrictions and settings go back, unless another pod already
   * wrote them (NX), so that a restart does not unban everyone. (A ban lifted on another pod that this pod had not
   * read since can come back: a moderator lifts it again; losing every ban would be worse.)
   */
  async #restoreShared(): Promise<void> {
    const now = this.#nowMs();
    for (const { room, login, untilMs } of this.#restrictions.entries()) {
      const key = this.#key('restriction', room, login);
      if (untilMs === null) await this.#data.set(key, 'ban', { NX: true });
      else if (untilMs > now) await this.#data.set(key, String(untilMs), { NX: true, PX: untilMs - now });
    }
    for (const [room, settings] of this.#settings) {
      await this.#data.set(this.#key('settings', room), JSON.stringify(settings), { NX: true });
    }
  }

  /** A write to Redis now, or (while it is away, or when it fails) when it is back; this pod's copy is already set. */
  async #write(key: string, write: () => Promise<unknown>): Promise<void> {
    this.#unsynced.delete(key);
    if (this.#data.isReady) {
      try {
        await write();
        return;
      } catch (error) {
        this.#logger.warn({ err: error }, 'chat write to Redis failed: kept on this pod until Redis is back');
      }
    }
    this.#unsynced.set(key, write);
  }

  async #refreshChatters(): Promise<void> {
    if (!this.#data.isReady) return;
    try {
      for (const [room, count] of this.#podChatters) await this.#reportChatters(room, count);
    } catch (error) {
      this.#logger.warn({ err: error }, 'chat chatter refresh failed');
    }
  }

  #reportChatters(room: RoomName, count: number): Promise<unknown> {
    return this.#run(
      SCRIPTS.reportChatters,
      [this.#key('chatters', room)],
      [this.#podId, String(count), String(this.#chatterTtlMs)],
    );
  }

  // ---- names ------------------------------------------------------------------------------------------------------

  #run(which: Script, keys: string[], args: string[]): Promise<unknown> {
    return runScript(this.#data, which, keys, args);
  }

  #key(kind: string, ...parts: string[]): string {
    return parts.length === 0 ? `${this.#prefix}${kind}` : `${this.#prefix}${kind}:${parts.join(':')}`;
  }

  #channel(room: RoomName): string {
    return `${this.#prefix}room:${room}`;
  }
}
