import { type Logger, silentLogger } from '@glint/media-core';
import {
  type ChatBus,
  DEFAULT_ROOM_SETTINGS,
  type HistoryPage,
  type StoredRoomSettings,
  type Unsubscribe,
} from '../hub/chat-bus.ts';
import type { RoomEvent, RoomName, SequencedEvent } from '../protocol/types.ts';
import { HistoryRing, pageOf } from './history-ring.ts';
import { RestrictionTable } from './restriction-table.ts';
import { WindowCounters } from './window-counters.ts';

export interface MemoryChatBusOptions {
  /** Events kept per room for history; default 200. */
  readonly historyLimit?: number;
  /** Most rate-limit windows held at once; default 100,000. */
  readonly maxCounters?: number;
  /** Most bans and timeouts held at once (all rooms); default 100,000. */
  readonly maxRestrictions?: number;
  /** Wall clock in ms; default Date.now. */
  readonly nowMs?: () => number;
  readonly logger?: Logger;
}

export const DEFAULT_HISTORY_LIMIT = 200;
export const DEFAULT_MAX_COUNTERS = 100_000;
export const DEFAULT_MAX_RESTRICTIONS = 100_000;

type Subscriber = (event: SequencedEvent) => void;

interface MemoryRoom {
  seq: number;
  readonly history: HistoryRing;
  readonly subscribers: Set<Subscriber>;
  /** Events waiting for delivery: a subscriber that publishes from its callback queues behind the current event. */
  readonly outbox: SequencedEvent[];
  delivering: boolean;
}

/**
 * The ChatBus of one node (`npm start` without REDIS_URL): everything in this process. Subscribers are called
 * synchronously from `publish`, in seq order, and a subscriber that throws is logged and never stops the others.
 */
export class MemoryChatBus implements ChatBus {
  readonly connected = true;
  readonly #rooms = new Map<RoomName, MemoryRoom>();
  readonly #counters: WindowCounters;
  readonly #restrictions: RestrictionTable;
  readonly #settings = new Map<RoomName, StoredRoomSettings>();
  readonly #chatters = new Map<RoomName, number>();
  readonly #historyLimit: number;
  readonly #logger: Logger;

  constructor(options: MemoryChatBusOptions = {}) {
    const nowMs = options.nowMs ?? Date.now;
    this.#historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    new HistoryRing(this.#historyLimit); // validates the limit now rather than at the first publish
    this.#counters = new WindowCounters(options.maxCounters ?? DEFAULT_MAX_COUNTERS, nowMs);
    this.#restrictions = new RestrictionTable(options.maxRestrictions ?? DEFAULT_MAX_RESTRICTIONS, nowMs);
    this.#logger = options.logger ?? silentLogger;
  }

  async publish(room: RoomName, event: RoomEvent): Promise<SequencedEvent> {
    const state = this.#room(room);
    state.seq += 1;
    const sequenced: SequencedEvent = { ...event, seq: state.seq };
    state.history.push(sequenced);
    state.outbox.push(sequenced);
    this.#deliver(room, state);
    return sequenced;
  }

  async subscribe(room: RoomName, onEvent: Subscriber): Promise<Unsubscribe> {
    // A wrapper per call, so that subscribing the same function twice gives two independent subscriptions.
    const subscriber: Subscriber = (event) => onEvent(event);
    this.#room(room).subscribers.add(subscriber);
    return async () => {
      this.#rooms.get(room)?.subscribers.delete(subscriber);
    };
  }

  async history(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    const state = this.#rooms.get(room);
    if (!state) return pageOf([], options, 0);
    return state.history.page(options, state.seq);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    return this.#counters.hit(key, limit, windowMs);
  }

  async restrict(room: RoomName, login: string, untilMs: number | null): Promise<void> {
    this.#restrictions.set(room, login, untilMs);
  }

  async lift(room: RoomName, login: string): Promise<void> {
    this.#restrictions.lift(room, login);
  }

  async restriction(room: RoomName, login: string): Promise<{ untilMs: number | null } | null> {
    return this.#restrictions.get(room, login);
  }

  async settings(room: RoomName): Promise<StoredRoomSettings> {
    return this.#settings.get(room) ?? DEFAULT_ROOM_SETTINGS;
  }

  async saveSettings(room: RoomName, settings: StoredRoomSettings): Promise<void> {
    this.#settings.set(room, settings);
  }

  async reportChatters(room: RoomName, podCount: number): Promise<void> {
    if (podCount > 0) this.#chatters.set(room, podCount);
    else this.#chatters.delete(room);
  }

  async chatters(room: RoomName): Promise<number> {
    return this.#chatters.get(room) ?? 0;
  }

  async close(): Promise<void> {
    for (const state of this.#rooms.values()) state.subscribers.clear();
  }

  #room(room: RoomName): MemoryRoom {
    let state = this.#rooms.get(room);
    if (!state) {
      state = {
        seq: 0,
        history: new HistoryRing(this.#historyLimit),
        subscribers: new Set(),
        outbox: [],
        delivering: false,
      };
      this.#rooms.set(room, state);
    }
    return state;
  }

  #deliver(room: RoomName, state: MemoryRoom): void {
    if (state.delivering) return; // the outer call drains the outbox in order
    state.delivering = true;
    try {
      for (let event = state.outbox.shift(); event; event = state.outbox.shift()) {
        for (const subscriber of state.subscribers) {
          try {
            subscriber(event);
          } catch (error) {
            this.#logger.error({ err: error, room, seq: event.seq }, 'chat subscriber failed');
          }
        }
      }
    } finally {
      state.delivering = false;
    }
  }
}
