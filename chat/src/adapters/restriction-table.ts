import type { RoomName } from '../protocol/types.ts';

export interface Restriction {
  /** null: banned (no end). */
  readonly untilMs: number | null;
}

/**
 * Bans and timeouts per room, in a bounded map: the memory bus's store and the Redis bus's cache (a banned user
 * stays banned on a pod while Redis is away). Expired timeouts are dropped when read; when full, the entry written
 * longest ago goes.
 */
export class RestrictionTable {
  readonly #entries = new Map<string, Restriction>();

  constructor(
    readonly maxEntries: number,
    readonly nowMs: () => number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  set(room: RoomName, login: string, untilMs: number | null): void {
    const key = keyOf(room, login);
    this.#entries.delete(key);
    if (untilMs !== null && untilMs <= this.nowMs()) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { untilMs });
  }

  lift(room: RoomName, login: string): void {
    this.#entries.delete(keyOf(room, login));
  }

  /** The restrictions in force (for writing them back to a Redis that lost them). */
  *entries(): Generator<{ room: RoomName; login: string; untilMs: number | null }> {
    const now = this.nowMs();
    for (const [key, { untilMs }] of this.#entries) {
      if (untilMs !== null && untilMs <= now) continue;
      const [room = '', login = ''] = key.split('\n');
      yield { room, login, untilMs };
    }
  }

  get(room: RoomName, login: string): Restriction | null {
    const key = keyOf(room, login);
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (entry.untilMs !== null && entry.untilMs <= this.nowMs()) {
      this.#entries.delete(key);
      return null;
    }
    return entry;
  }
}

// Logins and room names never hold a newline, so the pair cannot be ambiguous.
const keyOf = (room: RoomName, login: string): string => `${room}\n${login.toLowerCase()}`;
