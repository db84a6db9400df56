/**
 * What the web app reads and writes of the chat protocol, version 1 (chat/PROTOCOL.md). The player is a client of
 * the chat server, not a part of it, so it keeps its own copy of the frames it uses; PROTOCOL.md is the contract.
 */

export const MAX_MESSAGE_CHARS = 500;

export type Badge =
  | { readonly kind: 'broadcaster' }
  | { readonly kind: 'moderator' }
  | { readonly kind: 'vip' }
  | { readonly kind: 'subscriber'; readonly months: number; readonly tier: number };

export interface Chatter {
  readonly login: string;
  readonly displayName: string;
  readonly badges: readonly Badge[];
}

/** An emote's place in a message: code-point offsets, end exclusive. */
export interface EmotePosition {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

export interface RoomSettings {
  readonly slowSeconds: number;
  readonly followersOnlyMinutes: number | null;
  readonly subscribersOnly: boolean;
  readonly emoteOnly: boolean;
  readonly blockedTermCount: number;
}

export type RoomEvent =
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly user: Chatter;
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
export type MessageEvent = Extract<SequencedEvent, { kind: 'message' }>;

export type ServerFrame =
  | { readonly type: 'hello'; readonly v: number; readonly user: Chatter | null }
  | {
      readonly type: 'joined';
      readonly room: string;
      readonly settings: RoomSettings;
      readonly history: readonly SequencedEvent[];
      readonly gap: boolean;
      readonly seq: number;
    }
  | { readonly type: 'events'; readonly room: string; readonly events: readonly SequencedEvent[] }
  | { readonly type: 'counts'; readonly room: string; readonly chatters: number; readonly viewers: number }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      readonly room?: string;
      readonly nonce?: string;
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'pong' };

export type ModAction =
  | { readonly kind: 'delete'; readonly messageId: string }
  | { readonly kind: 'timeout'; readonly login: string; readonly seconds: number }
  | { readonly kind: 'ban'; readonly login: string };

export type ClientFrame =
  | { readonly type: 'join'; readonly room: string; readonly since?: number }
  | { readonly type: 'send'; readonly room: string; readonly text: string; readonly nonce?: string }
  | { readonly type: 'mod'; readonly room: string; readonly action: ModAction };

/** A frame from the server, or null when it is not one this client understands (it is then ignored). */
export function readServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame: unknown = JSON.parse(data);
    if (typeof frame !== 'object' || frame === null || typeof (frame as { type?: unknown }).type !== 'string') {
      return null;
    }
    return frame as ServerFrame;
  } catch {
    return null;
  }
}
