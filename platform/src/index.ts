export { Accounts, type AuthUser, type Session } from './accounts/accounts.ts';
export { sha256Hex } from './accounts/tokens.ts';
export { platformApi } from './api/api-plugin.ts';
export { SESSION_COOKIE, sessionTokenOfHeaders } from './api/auth-context.ts';
export { type ApiLimits, type ApiOptions, DEFAULT_API_LIMITS } from './api/route-context.ts';
export type { ChannelSummary, ChannelUpdate, LiveState } from './channels/channels.ts';
export { type ChannelInfo, Channels } from './channels/channels.ts';
export {
  type ChannelEmote,
  EMOTE_CODE_PATTERN,
  EMOTE_LIMITS,
  type EmoteImage,
  Emotes,
} from './channels/emotes.ts';
export { type FollowedChannel, Follows } from './channels/follows.ts';
export { GLOBAL_EMOTE_CODES, type GlobalEmote, globalEmoteId } from './channels/global-emotes.ts';
export {
  type ChannelRole,
  GRANTABLE_ROLES,
  type GrantableRole,
  type RoleChange,
  type RoleGrant,
  Roles,
} from './channels/roles.ts';
export {
  generateStreamKey,
  MIN_STREAM_KEY_LENGTH,
  type PublishChannel,
  type StreamKeyStore,
  StreamKeys,
  WeakStreamKeyError,
} from './channels/stream-keys.ts';
export {
  SUBSCRIPTION_MONTH_MS,
  type Subscription,
  Subscriptions,
  type SubscriptionTier,
} from './channels/subscriptions.ts';
export { isDatabaseDown } from './db/database-down.ts';
export { type Dialect, openDatabase, type PlatformDatabase, redactUrl } from './db/open-database.ts';
export { PlatformError } from './errors.ts';
export { type BroadcastInfo, Broadcasts } from './events/broadcasts.ts';
export { type NotificationInfo, type NotificationPage, Notifications } from './events/notifications.ts';
export type {
  BroadcastEvent,
  KeyInvalidatedEvent,
  LiveEvent,
  NotificationEvent,
  OfflineEvent,
} from './events/platform-events.ts';
export { PlatformEvents } from './events/platform-events.ts';
export { DEFAULT_PUSH_OPTIONS, PushHub, type PushHubOptions, type PushMessage } from './events/push-hub.ts';
export { signWebhookBody, verifyWebhookSignature } from './events/webhook-signature.ts';
export {
  DEFAULT_WEBHOOKS_OPTIONS,
  type NewWebhook,
  type WebhookBody,
  type WebhookInfo,
  Webhooks,
  type WebhooksOptions,
} from './events/webhooks.ts';
export {
  DEFAULT_FAILED_ATTEMPT_LIMITS,
  type FailedAttemptLimits,
  FailedAttemptThrottle,
} from './limits/failed-attempts.ts';
export { RateBuckets, type RateBucketsOptions } from './limits/rate-buckets.ts';
export { Platform, type PlatformOptions } from './platform.ts';
export type {
  ClipRecord,
  ClipStatus,
  NewClip,
  VodIndex,
  VodRendition,
  VodSegment,
  VodState,
  VodSummary,
} from './vod/types.ts';
