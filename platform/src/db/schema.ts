import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The platform's tables, as both dialects see them. Times are wall-clock milliseconds since the epoch (bigint
 * columns, read back as numbers); ids are time-ordered strings from `newId()`, so ordering by id is ordering by
 * creation and serves cursor pagination.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  channels: ChannelsTable;
  stream_keys: StreamKeysTable;
  broadcasts: BroadcastsTable;
  follows: FollowsTable;
  notifications: NotificationsTable;
  subscriptions: SubscriptionsTable;
  channel_roles: ChannelRolesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  channel_emotes: ChannelEmotesTable;
  vod_renditions: VodRenditionsTable;
  vod_segments: VodSegmentsTable;
  clips: ClipsTable;
}

export interface UsersTable {
  id: string;
  /** Lower-case, [a-z0-9_]{3,25}; also the name of the user's channel. */
  login: string;
  display_name: string;
  /** PHC string of argon2id; null for accounts that cannot log in (the seeded demo broadcaster). */
  password_hash: string | null;
  created_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the opaque token (hex); the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface ChannelsTable {
  /** The channel's name: the URL segment of /watch/<name>, /live/<name>/ and /whip/<name>. */
  name: string;
  owner_id: string;
  title: string;
  category: string;
  /** BCP 47 tag, e.g. "en" or "pt-BR". */
  language: string;
  /** The broadcast on air, or null when offline. */
  live_broadcast_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StreamKeysTable {
  id: string;
  channel: string;
  /** SHA-256 of the whole key (hex). A key carries 128 random bits, so a fast hash is enough. */
  key_hash: string;
  created_at: number;
  /** Set when rotated or revoked; a channel has at most one key with revoked_at null. */
  revoked_at: number | null;
}

export interface BroadcastsTable {
  id: string;
  channel: string;
  title: string;
  started_at: number;
  ended_at: number | null;
  peak_viewers: Generated<number>;
  /** Sum and count of viewer samples: the average is their quotient. */
  viewer_sample_sum: Generated<number>;
  viewer_samples: Generated<number>;
  /** Set when the broadcast's VOD was deleted (by its owner or retention); the record stays. */
  vod_deleted_at: Generated<number | null>;
}

export interface FollowsTable {
  user_id: string;
  channel: string;
  created_at: number;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  channel: string;
  /** Unique with user_id: one notification per follower per broadcast, however often a stream reconnects. */
  broadcast_id: string;
  created_at: number;
  read_at: number | null;
}

export interface SubscriptionsTable {
  user_id: string;
  channel: string;
  tier: number;
  started_at: number;
  expires_at: number;
  /** Months paid for in total, across renewals. */
  months: number;
}

export interface ChannelRolesTable {
  channel: string;
  user_id: string;
  /** Granted roles only: 'moderator' | 'vip' | 'banned'. Broadcaster, subscriber and follower are derived. */
  role: string;
  granted_at: number;
}

export interface WebhooksTable {
  id: string;
  channel: string;
  url: string;
  /** HMAC-SHA256 signing secret; shown once at creation, never returned again. */
  secret: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  delivered_at: number | null;
  /** Set when attempts ran out. */
  failed_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface ChannelEmotesTable {
  /** A new id whenever the image changes, so its URL can be cached forever. */
  id: string;
  channel: string;
  /** What a chatter types: [A-Za-z][A-Za-z0-9]{2,19}, case-sensitive, unique in the channel. */
  code: string;
  /** The image (PNG, GIF or WebP, at most 32 KiB), base64. */
  image_base64: string;
  content_type: string;
  /** 1: only the channel's subscribers (and its broadcaster) may use it; 0: anyone. */
  subscriber_only: number;
  created_at: number;
}

export interface VodRenditionsTable {
  broadcast_id: string;
  rendition: string;
  kind: string;
  codec: string;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  channels: number | null;
}

export interface VodSegmentsTable {
  broadcast_id: string;
  rendition: string;
  seq: number;
  msn: number;
  start_us: number;
  duration_us: number;
  program_date_time_ms: number;
  /** 1: EXT-X-DISCONTINUITY before it. */
  discontinuity: number;
  key: string;
  init_key: string;
  bytes: number;
  sha256: string;
  /** 0 once found missing or corrupt. */
  ok: Generated<number>;
}

export interface ClipsTable {
  id: string;
  channel: string;
  broadcast_id: string;
  title: string;
  created_by: string | null;
  start_us: number;
  duration_us: number;
  status: string;
  error: string | null;
  video_key: string | null;
  thumbnail_key: string | null;
  bytes: number | null;
  created_at: number;
  ready_at: number | null;
}

export type UserRow = Selectable<UsersTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type BroadcastRow = Selectable<BroadcastsTable>;
export type NewChannel = Insertable<ChannelsTable>;
