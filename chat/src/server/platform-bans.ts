import type { Logger } from '@glint/media-core';
import type { Platform, RoleChange } from '@glint/platform';
import type { ChatBus } from '../hub/chat-bus.ts';

/**
 * Bans and unbans made on the platform outside chat (its REST API, on whichever process served it) reach chat on
 * every pod: the ban is put on the bus, where each pod checks it before a message, and announced in the room. The
 * process that made the change is the one that hears of it, so each change is applied once. Chat's own bans apply
 * themselves (with the moderator told of any failure) and are marked so they are not applied twice.
 */
export class PlatformBans {
  readonly #bus: ChatBus;
  readonly #logger: Logger;
  readonly #own = new Set<string>();
  readonly #stop: () => void;

  constructor(platform: Platform, bus: ChatBus, logger: Logger) {
    this.#bus = bus;
    this.#logger = logger;
    this.#stop = platform.roles.changed.add((change) => {
      if (change.role !== 'banned' || this.#own.has(key(change.channel, change.login))) return;
      this.#apply(change).catch((err: unknown) =>
        this.#logger.error({ err, room: change.channel, login: change.login }, 'a platform ban did not reach chat'),
      );
    });
  }

  /** Runs chat's own ban or unban on the platform without it coming back through the listener. */
  async own<T>(room: string, login: string, change: () => Promise<T>): Promise<T> {
    const k = key(room, login);
    this.#own.add(k);
    try {
      return await change();
    } finally {
      this.#own.delete(k);
    }
  }

  close(): void {
    this.#stop();
  }

  async #apply(change: RoleChange): Promise<void> {
    const { channel: room, login, by } = change;
    if (change.granted) {
      await this.#bus.restrict(room, login, null);
      await this.#bus.publish(room, { kind: 'banned', login, by });
    } else {
      await this.#bus.lift(room, login);
      await this.#bus.publish(room, { kind: 'unbanned', login, by });
    }
  }
}

function key(room: string, login: string): string {
  return `${room}\n${login}`;
}
