import { Listeners, type Logger } from '@glint/media-core';

/** A channel went live: once per broadcast, not per reconnect within the grace period. */
export interface LiveEvent {
  readonly type: 'stream.online';
  readonly eventId: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  readonly category: string;
  readonly startedAt: number;
}

/** A broadcast ended (its grace period passed without a reconnect). */
export interface OfflineEvent {
  readonly type: 'stream.offline';
  readonly eventId: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly peakViewers: number;
  readonly averageViewers: number;
}

export type BroadcastEvent = LiveEvent | OfflineEvent;

/** A stream key stopped being valid: ingest ends the channel's live stream at once. */
export interface KeyInvalidatedEvent {
  readonly channel: string;
  readonly reason: 'rotated' | 'revoked';
}

/** A stored notification for one user, pushed live to any page of theirs that is open. */
export interface NotificationEvent {
  readonly userId: string;
  readonly notification: {
    readonly id: string;
    readonly kind: string;
    readonly channel: string;
    readonly broadcastId: string;
    /** The broadcast's title when it went live. */
    readonly title: string;
    readonly createdAt: number;
    readonly readAt: number | null;
  };
}

/**
 * The platform's in-process event bus: services emit, ingest and the push channel listen. Listeners run safely (one
 * that throws is logged and never stops the others), and nothing here waits for them.
 */
export class PlatformEvents {
  readonly broadcast: Listeners<[BroadcastEvent]>;
  readonly keyInvalidated: Listeners<[KeyInvalidatedEvent]>;
  readonly notification: Listeners<[NotificationEvent]>;

  constructor(logger: Logger) {
    this.broadcast = new Listeners('platform broadcast events', logger);
    this.keyInvalidated = new Listeners('platform key events', logger);
    this.notification = new Listeners('platform notification events', logger);
  }
}
