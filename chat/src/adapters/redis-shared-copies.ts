import { DEFAULT_ROOM_SETTINGS, type StoredRoomSettings } from '../hub/chat-bus.ts';
import type { RoomName } from '../protocol/types.ts';
import type { RedisLink } from './redis-link.ts';
import { type Restriction, RestrictionTable } from './restriction-table.ts';

/**
 * Bans, timeouts and settings in Redis, with this pod's copy of each: read from Redis when it is there (the copy
 * follows), from the copy while it is away (a banned user stays banned on this pod). Writes made while Redis is
 * away are replayed when it is back; after Redis lost its data the copies are written back.
 */
export class RedisSharedCopies {
  readonly #restrictions: RestrictionTable;
  readonly #settings = new Map<RoomName, StoredRoomSettings>();
  /** Writes not yet in Redis, by key (the latest wins). */
  readonly #unsynced = new Map<string, () => Promise<unknown>>();

  constructor(
    readonly link: RedisLink,
    maxRestrictions: number,
  ) {
    this.#restrictions = new RestrictionTable(maxRestrictions, link.nowMs);
  }

  async restrict(room: RoomName, login: string, untilMs: number | null): Promise<void> {
    const { data } = this.link;
    this.#restrictions.set(room, login, untilMs);
    const key = this.#restrictionKey(room, login);
    await this.#write(key, async () => {
      if (untilMs === null) return data.set(key, 'ban');
      const ttlMs = untilMs - this.link.nowMs();
      return ttlMs > 0 ? data.set(key, String(untilMs), { PX: ttlMs }) : data.del(key);
    });
  }

  async lift(room: RoomName, login: string): Promise<void> {
    this.#restrictions.lift(room, login);
    const key = this.#restrictionKey(room, login);
    await this.#write(key, () => this.link.data.del(key));
  }

  async restriction(room: RoomName, login: string): Promise<Restriction | null> {
    const key = this.#restrictionKey(room, login);
    if (this.link.data.isReady && !this.#unsynced.has(key)) {
      try {
        const value = await this.link.data.get(key);
        if (value === null) this.#restrictions.lift(room, login);
        else this.#restrictions.set(room, login, value === 'ban' ? null : Number(value));
      } catch (error) {
        this.link.logger.warn({ err: error, room }, 'chat restriction read from Redis failed: using this pod’s copy');
      }
    }
    return this.#restrictions.get(room, login);
  }

  async settings(room: RoomName): Promise<StoredRoomSettings> {
    const key = this.link.key('settings', room);
    if (this.link.data.isReady && !this.#unsynced.has(key)) {
      try {
        const value = await this.link.data.get(key);
        const settings = value === null ? DEFAULT_ROOM_SETTINGS : (JSON.parse(value) as StoredRoomSettings);
        this.#settings.set(room, settings);
        return settings;
      } catch (error) {
        this.link.logger.warn({ err: error, room }, 'chat settings read from Redis failed: using this pod’s copy');
      }
    }
    return this.#settings.get(room) ?? DEFAULT_ROOM_SETTINGS;
  }

  async saveSettings(room: RoomName, settings: StoredRoomSettings): Promise<void> {
    this.#settings.set(room, settings);
    const key = this.link.key('settings', room);
    await this.#write(key, () => this.link.data.set(key, JSON.stringify(settings)));
  }

  /**
   * After Redis lost its data: this pod's copies go back unless another pod already wrote them (NX), so that a
   * restart does not unban everyone. (A ban lifted on another pod that this pod had not read since can come back: a
   * moderator lifts it again; losing every ban would be worse.)
   */
  async restore(): Promise<void> {
    const { data, nowMs } = this.link;
    const now = nowMs();
    const writes: Promise<unknown>[] = [];
    for (const { room, login, untilMs } of this.#restrictions.entries()) {
      const key = this.#restrictionKey(room, login);
      if (untilMs === null) writes.push(data.set(key, 'ban', { NX: true }));
      else if (untilMs > now) writes.push(data.set(key, String(untilMs), { NX: true, PX: untilMs - now }));
    }
    for (const [room, settings] of this.#settings) {
      writes.push(data.set(this.link.key('settings', room), JSON.stringify(settings), { NX: true }));
    }
    await Promise.all(writes);
  }

  /** The writes made while Redis was away, in the order made. */
  async replay(): Promise<void> {
    for (const [key, write] of [...this.#unsynced]) {
      await write();
      if (this.#unsynced.get(key) === write) this.#unsynced.delete(key);
    }
  }

  /** A write to Redis now, or (while it is away, or when it fails) at the next replay; the copy is already set. */
  async #write(key: string, write: () => Promise<unknown>): Promise<void> {
    this.#unsynced.delete(key);
    if (this.link.data.isReady) {
      try {
        await write();
        return;
      } catch (error) {
        this.link.logger.warn({ err: error }, 'chat write to Redis failed: kept on this pod until Redis is back');
      }
    }
    this.#unsynced.set(key, write);
  }

  #restrictionKey(room: RoomName, login: string): string {
    return this.link.key('restriction', room, login.toLowerCase());
  }
}
