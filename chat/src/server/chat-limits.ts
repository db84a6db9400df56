/** The bounds of one chat pod. Every default runs on one machine; a deployment raises or lowers them per pod. */
export interface ChatLimits {
  /** Rooms one connection may be in at once; one more is refused with TOO_MANY_ROOMS. */
  readonly maxRoomsPerConnection: number;
  /** Open connections from one address (an IPv4 address or an IPv6 /64); one more is refused (429 or 4001). */
  readonly maxConnectionsPerAddress: number;
  /** Open connections on this pod; one more is refused (503 or 1013). */
  readonly maxConnections: number;
  /** A connection with more than this queued unsent is too slow to keep: it is closed (4000), not buffered for. */
  readonly maxBufferedBytes: number;
  /** A busy room's events go out together at most this often (a quiet room's first event goes at once). */
  readonly batchMs: number;
  /** Events sent on join (and the most a reconnect may catch up on in one go). */
  readonly historyLimit: number;
  /** How often each room with members here is sent its chatter and viewer counts. */
  readonly countsIntervalMs: number;
  /** Frames one connection may send per second; past it the connection is closed (4002). */
  readonly framesPerSecond: number;
  /** Messages per second per user per room: normal users, subscribers (mods and the broadcaster: no limit). */
  readonly messagesPerSecond: number;
  readonly subscriberMessagesPerSecond: number;
  /** How long a user's badges and roles in a room are reused before asking the platform again. */
  readonly profileCacheMs: number;
  /** Ping interval; a connection that has not answered the previous ping by the next one is dropped. */
  readonly pingIntervalMs: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxRoomsPerConnection: 20,
  maxConnectionsPerAddress: 100,
  maxConnections: 100_000,
  maxBufferedBytes: 1024 * 1024,
  batchMs: 100,
  historyLimit: 50,
  countsIntervalMs: 2000,
  framesPerSecond: 20,
  messagesPerSecond: 1,
  subscriberMessagesPerSecond: 3,
  profileCacheMs: 10_000,
  pingIntervalMs: 30_000,
};
