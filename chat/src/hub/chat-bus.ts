import type { RoomEvent, RoomName, RoomSettings, SequencedEvent } from '../protocol/types.ts';

/**
 * Everything pods share, behind one interface: in memory on one node (MemoryChatBus, the `npm start` default) and
 * Redis across pods (RedisChatBus, when REDIS_URL is set). A room's events get their seq once, where they are stored,
 * and reach every subscribed pod in seq order.
 */
export interface ChatBus {
  /** Assigns the room's next seq, appends to its history and delivers to every pod subscribed to the room. */
  publish(room: RoomName, event: RoomEvent): Promise<SequencedEvent>;
  /** This pod starts receiving the room's events (call once per room while it has members here). */
  subscribe(room: RoomName, onEvent: (event: SequencedEvent) => void): Promise<Unsubscribe>;
  /**
   * The room's last `limit` events, or those after `sinceSeq`; `gap` when events after `sinceSeq` were dropped from
   * the history kept. `seq` is the room's latest seq.
   */
  history(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage>;

  /** One hit on a shared fixed-window counter; returns 0 when under `limit`, else ms until the window ends. */
  hit(key: string, limit: number, windowMs: number): Promise<number>;

  /** A ban (untilMs null) or a timeout, shared by every pod; untilMs in the past lifts it. */
  restrict(room: RoomName, login: string, untilMs: number | null): Promise<void>;
  lift(room: RoomName, login: string): Promise<void>;
  /** null: free to speak; else the restriction (untilMs null = banned). */
  restriction(room: RoomName, login: string): Promise<{ untilMs: number | null } | null>;

  settings(room: RoomName): Promise<StoredRoomSettings>;
  saveSettings(room: RoomName, settings: StoredRoomSettings): Promise<void>;

  /** This pod's members per room, reported so that every pod can read the room's total. */
  reportChatters(room: RoomName, podCount: number): Promise<void>;
  chatters(room: RoomName): Promise<number>;

  /** Whether cross-pod delivery is up right now (a memory bus always is). */
  readonly connected: boolean;
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface HistoryPage {
  readonly events: readonly SequencedEvent[];
  readonly gap: boolean;
  readonly seq: number;
}

/** Room settings as stored: RoomSettings plus the blocked terms themselves. */
export interface StoredRoomSettings extends Omit<RoomSettings, 'blockedTermCount'> {
  readonly blockedTerms: readonly string[];
}

export const DEFAULT_ROOM_SETTINGS: StoredRoomSettings = {
  slowSeconds: 0,
  followersOnlyMinutes: null,
  subscribersOnly: false,
  emoteOnly: false,
  blockedTerms: [],
};
