import type { Logger } from '@glint/media-core';
import {
  type ChatBus,
  DEFAULT_ROOM_SETTINGS,
  type HistoryPage,
  type StoredRoomSettings,
  type Unsubscribe,
} from '../hub/chat-bus.ts';
import { serializeServerFrame } from '../protocol/codec.ts';
import type { RoomName, RoomSettings, SequencedEvent } from '../protocol/types.ts';
import type { Connection } from './connection.ts';

export interface RoomDeps {
  readonly bus: ChatBus;
  readonly logger: Logger;
  readonly nowMs: () => number;
  readonly batchMs: number;
  readonly historyLimit: number;
  /** Told of every ban and unban in the room (from any pod), to drop what this pod cached about the user. */
  readonly onBanChange?: (room: RoomName, login: string) => void;
}

/**
 * One channel's room on this pod: its members here, one bus subscription, and the batching of its events. Each batch
 * is serialised once and the same string goes to every member; a busy room has one timer, a quiet one none.
 */
export class Room {
  readonly name: RoomName;
  /** Members, each with the highest seq it has been sent (a new member may have had some events with its history). */
  readonly members = new Map<Connection, number>();
  /** Connections waiting for their history: the live events that arrive meanwhile are kept for them. */
  readonly #joining = new Map<Connection, SequencedEvent[]>();
  settings: StoredRoomSettings = DEFAULT_ROOM_SETTINGS;
  readonly ready: Promise<void>;
  readonly #deps: RoomDeps;
  #unsubscribe: Unsubscribe | null = null;
  #closed = false;
  #pending: SequencedEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #lastFlushMs = Number.NEGATIVE_INFINITY;
  #lastSeq = 0;
  #shared: SharedRead | null = null;

  constructor(name: RoomName, deps: RoomDeps) {
    this.name = name;
    this.#deps = deps;
    this.ready = this.#open();
    // A failed open is reported to each joiner; this keeps it from being an unhandled rejection meanwhile.
    this.ready.catch(() => {});
  }

  get empty(): boolean {
    return this.members.size === 0 && this.#joining.size === 0;
  }

  /** The settings as members see them (the blocked terms themselves stay on the server). */
  get publicSettings(): RoomSettings {
    const { blockedTerms, ...rest } = this.settings;
    return { ...rest, blockedTermCount: blockedTerms.length };
  }

  /**
   * Adds the connection: sends `joined` with its history (after `since` when given), then the events that arrived
   * meanwhile, and from then on every batch. Returns false when the connection left or closed while waiting.
   */
  async join(connection: Connection, since: number | undefined): Promise<boolean> {
    if (this.members.has(connection)) this.members.delete(connection);
    this.#joining.set(connection, []);
    // A crowd joining at once (a stream starting, a pod restarting) shares one history read and one joined frame.
    const shared = since === undefined ? this.#sharedRecent() : null;
    let page: HistoryPage;
    try {
      page =
        since === undefined
          ? await (shared as SharedRead).page
          : await this.ready.then(() =>
              this.#deps.bus.history(this.name, { limit: this.#deps.historyLimit, sinceSeq: since }),
            );
    } catch (error) {
      this.#joining.delete(connection);
      throw error;
    }
    const arrived = this.#joining.get(connection);
    this.#joining.delete(connection);
    if (arrived === undefined || !connection.open) return false;
    if (shared) {
      if (shared.textSettings !== this.settings) {
        shared.text = serializeServerFrame(this.#joinedFrame(page));
        shared.textSettings = this.settings;
      }
      connection.send(shared.text as string);
    } else {
      connection.sendFrame(this.#joinedFrame(page));
    }
    // What came after the page: seen by this joiner since it asked, or by the shared read since it began.
    const missed = new Map<number, SequencedEvent>();
    for (const event of [...(shared?.arrived ?? []), ...arrived]) {
      if (event.seq > page.seq) missed.set(event.seq, event);
    }
    const events = [...missed.values()].sort((x, y) => x.seq - y.seq);
    if (events.length > 0) connection.sendFrame({ type: 'events', room: this.name, events });
    this.members.set(connection, Math.max(page.seq, events.at(-1)?.seq ?? 0));
    return true;
  }

  /** Returns true when the room has nobody left here (the caller closes it). */
  leave(connection: Connection): boolean {
    this.members.delete(connection);
    this.#joining.delete(connection);
    return this.empty;
  }

  /** Sends already serialised text to every member (counts), encoded to bytes once. */
  broadcast(text: string): void {
    const bytes = Buffer.from(text);
    for (const connection of this.members.keys()) connection.send(bytes);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = [];
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    if (unsubscribe) await unsubscribe();
  }

  #joinedFrame(page: HistoryPage) {
    return {
      type: 'joined',
      room: this.name,
      settings: this.publicSettings,
      history: page.events.slice(-this.#deps.historyLimit),
      gap: page.gap,
      seq: page.seq,
    } as const;
  }

  /** The history read in flight for joiners without `since`, or a new one; it collects the events that arrive. */
  #sharedRecent(): SharedRead {
    if (this.#shared) return this.#shared;
    const page = this.ready.then(() => this.#deps.bus.history(this.name, { limit: this.#deps.historyLimit }));
    const shared: SharedRead = { page, arrived: [], text: null, textSettings: null };
    this.#shared = shared;
    // Joiners arriving after this read has its page need a fresh one (they may have missed nothing, but cannot tell).
    const done = () => {
      if (this.#shared === shared) this.#shared = null;
    };
    page.then(done, done);
    return shared;
  }

  async #open(): Promise<void> {
    const unsubscribe = await this.#deps.bus.subscribe(this.name, (event) => this.#onEvent(event));
    if (this.#closed) {
      await unsubscribe();
      return;
    }
    this.#unsubscribe = unsubscribe;
    this.settings = await this.#deps.bus.settings(this.name);
  }

  #onEvent(event: SequencedEvent): void {
    if (this.#closed) return;
    // The bus delivers in seq order; after a reconnect it may repeat one: nobody gets an event twice.
    if (event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    if (event.kind === 'settings') this.#reloadSettings();
    if (event.kind === 'banned' || event.kind === 'unbanned') this.#deps.onBanChange?.(this.name, event.login);
    for (const arrived of this.#joining.values()) arrived.push(event);
    this.#shared?.arrived.push(event);
    this.#pending.push(event);
    if (this.#timer) return;
    const now = this.#deps.nowMs();
    const wait = this.#lastFlushMs + this.#deps.batchMs - now;
    if (wait <= 0) {
      this.#flush();
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#flush();
      }, wait);
    }
  }

  #flush(): void {
    const events = this.#pending;
    this.#pending = [];
    this.#lastFlushMs = this.#deps.nowMs();
    const first = events[0];
    const last = events.at(-1);
    if (first === undefined || last === undefined) return;
    let bytes: Buffer | null = null;
    for (const [connection, through] of this.members) {
      if (through < first.seq) {
        // Serialised and encoded once per batch; the same bytes go to every member.
        bytes ??= Buffer.from(serializeServerFrame({ type: 'events', room: this.name, events }));
        connection.send(bytes);
      } else if (through < last.seq) {
        // Joined mid-batch with some of these in its history: only the rest, in a frame of its own.
        connection.sendFrame({ type: 'events', room: this.name, events: events.filter((e) => e.seq > through) });
      }
    }
  }

  #reloadSettings(): void {
    this.#deps.bus.settings(this.name).then(
      (settings) => {
        this.settings = settings;
      },
      (err: unknown) => this.#deps.logger.warn({ err, room: this.name }, 'room settings could not be reloaded'),
    );
  }
}

/** One history read shared by the joiners that asked while it was in flight. */
interface SharedRead {
  readonly page: Promise<HistoryPage>;
  /** Events delivered since the read began. */
  readonly arrived: SequencedEvent[];
  /** The joined frame, serialised once for the settings it was built with. */
  text: string | null;
  textSettings: StoredRoomSettings | null;
}
