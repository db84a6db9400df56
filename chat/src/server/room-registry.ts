import type { Platform } from '@glint/platform';
import { serializeServerFrame } from '../protocol/codec.ts';
import type { RoomName } from '../protocol/types.ts';
import { ChatError } from './chat-error.ts';
import type { Connection } from './connection.ts';
import { Room, type RoomDeps } from './room.ts';

export interface RoomRegistryDeps extends RoomDeps {
  readonly platform: Platform;
  readonly viewers: ((room: RoomName) => number) | undefined;
}

/**
 * The rooms with members on this pod: opened (one bus subscription each) by their first member, closed with their
 * last, and sent their counts every few seconds.
 */
export class RoomRegistry {
  readonly #deps: RoomRegistryDeps;
  readonly #rooms = new Map<RoomName, Room>();

  constructor(deps: RoomRegistryDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#rooms.size;
  }

  get(name: RoomName): Room | undefined {
    return this.#rooms.get(name);
  }

  /** The room on this pod, opened when it is the channel's first member here; NO_SUCH_ROOM for no such channel. */
  async open(name: RoomName): Promise<Room> {
    const existing = this.#rooms.get(name);
    if (existing) return existing;
    if (!(await this.#deps.platform.channels.get(name))) {
      throw new ChatError('NO_SUCH_ROOM', `there is no channel ${name}`);
    }
    let room = this.#rooms.get(name);
    if (!room) {
      room = new Room(name, this.#deps);
      this.#rooms.set(name, room);
    }
    return room;
  }

  /** Takes the connection out of the room, and closes the room when nobody is left in it here. */
  leave(room: Room, connection: Connection): void {
    if (!room.leave(connection) || this.#rooms.get(room.name) !== room) return;
    this.#rooms.delete(room.name);
    const { bus, logger } = this.#deps;
    room.close().catch((err: unknown) => logger.warn({ err, room: room.name }, 'chat room did not close'));
    bus.reportChatters(room.name, 0).catch(() => {});
  }

  /** Every room with members here: this pod's count to the bus, then every pod's total and the viewers to members. */
  async sendCounts(): Promise<void> {
    const { bus, logger, viewers } = this.#deps;
    await Promise.all(
      [...this.#rooms.values()].map(async (room) => {
        if (room.members.size === 0) return;
        try {
          await bus.reportChatters(room.name, room.members.size);
          const chatters = await bus.chatters(room.name);
          const frame = { type: 'counts', room: room.name, chatters, viewers: viewers?.(room.name) ?? 0 } as const;
          room.broadcast(serializeServerFrame(frame));
        } catch (err) {
          logger.debug({ err, room: room.name }, 'chat counts skipped this round');
        }
      }),
    );
  }

  async close(): Promise<void> {
    const rooms = [...this.#rooms.values()];
    this.#rooms.clear();
    await Promise.all(rooms.map((room) => room.close()));
  }
}
