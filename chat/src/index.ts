/**
 * The chat package's public face: the pod (ChatServer), the bus pods share (in memory or Redis), the protocol (types
 * and codec), emotes and badges.
 */
export { MemoryChatBus, type MemoryChatBusOptions } from './adapters/memory-chat-bus.ts';
export { RedisChatBus, type RedisChatBusOptions } from './adapters/redis-chat-bus.ts';

export { badgesFor, type SubscriptionBadgeInfo } from './emotes/badges.ts';
export { type EmoteIndex, type EmoteRef, emoteIndex, isOnlyEmotes, markEmotes } from './emotes/emote-parser.ts';
export {
  DEFAULT_EMOTE_SETS_OPTIONS,
  EmoteSets,
  type EmoteSetsOptions,
  type EmoteSource,
} from './emotes/emote-sets.ts';
export type { ChatBus, HistoryPage, StoredRoomSettings, Unsubscribe } from './hub/chat-bus.ts';
export { DEFAULT_ROOM_SETTINGS } from './hub/chat-bus.ts';
export { NONCE_PATTERN, parseClientFrame, ROOM_PATTERN, serializeServerFrame } from './protocol/codec.ts';
export { MOD_LIMITS } from './protocol/mod-action-codec.ts';
export { ChatProtocolError } from './protocol/protocol-error.ts';
export { codePointLength } from './protocol/text-rules.ts';
export type {
  Badge,
  ChatErrorCode,
  Chatter,
  ClientFrame,
  EmotePosition,
  ModAction,
  RoomEvent,
  RoomName,
  RoomSettings,
  SequencedEvent,
  ServerFrame,
} from './protocol/types.ts';
export { CLOSE_CODES, MAX_CLIENT_FRAME_BYTES, MAX_MESSAGE_CHARS, PROTOCOL_VERSION } from './protocol/types.ts';
export { type ChatLimits, DEFAULT_CHAT_LIMITS } from './server/chat-limits.ts';
export { type AdmissionRefusal, ChatServer, type ChatServerOptions } from './server/chat-server.ts';
