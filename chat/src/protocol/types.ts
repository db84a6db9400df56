/**
 * The chat protocol, version 1: JSON text frames over one WebSocket at /chat. Every client frame is validated by
 * `parseClientFrame` (protocol/codec.ts) before the server looks at it; server frames are built here and serialised
 * once per room (the same bytes go to every member). chat/PROTOCOL.md is the reference for client authors.
 */
export const PROTOCOL_VERSION = 1;

/** Largest client frame, in bytes; a larger one closes the connection (1009). */
export const MAX_CLIENT_FRAME_BYTES = 4096;
/** Longest chat message, in characters (code points). */
export const MAX_MESSAGE_CHARS = 500;

export type RoomName = string;

// ---- client → server ----------------------------------------------------------------------------------------------

export type ClientFrame =
  /** Join a channel's room; `since` is the last `seq` the client saw (a reconnect), to receive what it missed. */
  | { readonly type: 'join'; readonly room: RoomName; readonly since?: number }
  | { readonly type: 'leave'; readonly room: RoomName }
  /** Signed-in users only. `nonce` (≤ 64 chars) comes back on an error about this message. */
  | { readonly type: 'send'; readonly room: RoomName; readonly text: string; readonly nonce?: string }
  /** Broadcaster and moderators only (checked on the server). */
  | { readonly type: 'mod'; readonly room: RoomName; readonly action: ModAction }
  | { readonly type: 'ping' };

export type ModAction =
  | { readonly kind: 'delete'; readonly messageId: string }
  | { readonly kind: 'timeout'; readonly login: string; readonly seconds: number }
  | { readonly kind: 'ban'; readonly login: string }
  | { readonly kind: 'unban'; readonly login: string }
  | { readonly kind: 'clear' }
  /** 0 turns slow mode off; otherwise 3–120 s between one user's messages. */
  | { readonly kind: 'slow'; readonly seconds: number }
  /** null turns it off; otherwise only users following for at least this many minutes may write. */
  | { readonly kind: 'followers-only'; readonly minFollowMinutes: number | null }
  | { readonly kind: 'subscribers-only'; readonly on: boolean }
  | { readonly kind: 'emote-only'; readonly on: boolean }
  /** Replaces the room's blocked terms (case-insensitive substrings; a message containing one is refused). */
  | { readonly kind: 'blocked-terms'; readonly terms: readonly string[] };

// ---- server → client ----------------------------------------------------------------------------------------------

export type Badge =
  | { readonly kind: 'broadcaster' }
  | { readonly kind: 'moderator' }
  | { readonly kind: 'vip' }
  | { readonly kind: 'subscriber'; readonly months: number; readonly tier: 1 | 2 | 3 };

export interface Chatter {
  readonly login: string;
  readonly displayName: string;
  readonly badges: readonly Badge[];
}

/** An emote's place in a message's text: code-point offsets, end exclusive. */
export interface EmotePosition {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

export interface RoomSettings {
  /** 0: off. */
  readonly slowSeconds: number;
  readonly followersOnlyMinutes: number | null;
  readonly subscribersOnly: boolean;
  readonly emoteOnly: boolean;
  /** Shown to moderators only; other members see the count. */
  readonly blockedTermCount: number;
}

/** What happened in a room, in the room's order: `seq` is assigned once (the same on every pod). */
export type RoomEvent =
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly user: Chatter;
      /** As sent (inert text: clients must render it as text, never as HTML). */
      readonly text: string;
      readonly emotes: readonly EmotePosition[];
      readonly atMs: number;
    }
  | { readonly kind: 'deleted'; readonly messageId: string; readonly by: string }
  | { readonly kind: 'cleared'; readonly by: string }
  | { readonly kind: 'timed-out'; readonly login: string; readonly untilMs: number; readonly by: string }
  | { readonly kind: 'banned'; readonly login: string; readonly by: string }
  | { readonly kind: 'unbanned'; readonly login: string; readonly by: string }
  | { readonly kind: 'settings'; readonly settings: RoomSettings; readonly by: string };

export type SequencedEvent = RoomEvent & { readonly seq: number };

export type ServerFrame =
  | { readonly type: 'hello'; readonly v: typeof PROTOCOL_VERSION; readonly user: Chatter | null }
  | {
      readonly type: 'joined';
      readonly room: RoomName;
      readonly settings: RoomSettings;
      /** The last messages and events (all after `since` when the client gave one). */
      readonly history: readonly SequencedEvent[];
      /** True when `since` was older than the history kept: some events are lost to this client. */
      readonly gap: boolean;
      /** The room's latest seq right now. */
      readonly seq: number;
    }
  /** One or more events of one room, in seq order (batched when the room is busy). */
  | { readonly type: 'events'; readonly room: RoomName; readonly events: readonly SequencedEvent[] }
  /** Not sequenced: chatters connected to the room (all pods) and the channel's live viewers. */
  | { readonly type: 'counts'; readonly room: RoomName; readonly chatters: number; readonly viewers: number }
  | {
      readonly type: 'error';
      readonly code: ChatErrorCode;
      readonly message: string;
      readonly room?: RoomName;
      readonly nonce?: string;
      /** When the user may send again (rate limits, slow mode, timeouts). */
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'pong' };

export type ChatErrorCode =
  | 'BAD_FRAME'
  | 'UNKNOWN_TYPE'
  | 'NOT_SIGNED_IN'
  | 'NO_SUCH_ROOM'
  | 'NOT_JOINED'
  | 'TOO_MANY_ROOMS'
  | 'MESSAGE_TOO_LONG'
  | 'EMPTY_MESSAGE'
  | 'RATE_LIMITED'
  | 'SLOW_MODE'
  | 'TIMED_OUT'
  | 'BANNED'
  | 'FOLLOWERS_ONLY'
  | 'SUBSCRIBERS_ONLY'
  | 'EMOTE_ONLY'
  | 'BLOCKED_TERM'
  | 'FORBIDDEN'
  | 'NO_SUCH_USER'
  | 'NO_SUCH_MESSAGE'
  | 'UNAVAILABLE';

/** WebSocket close codes the server uses, besides the standard ones (1008 policy, 1009 too big). */
export const CLOSE_CODES = {
  /** The client fell too far behind: its outgoing buffer passed the cap. */
  slowConsumer: 4000,
  /** Too many connections from the client's address. */
  tooManyConnections: 4001,
  /** Frames arrived faster than the per-connection flood limit. */
  flood: 4002,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
