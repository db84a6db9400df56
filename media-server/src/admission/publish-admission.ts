import type { Logger } from '@glint/media-core';
import {
  type PublishChannel as Channel,
  type FailedAttemptLimits,
  FailedAttemptThrottle,
  type StreamKeyStore,
} from '@glint/platform';

/** One publish attempt, from any ingest protocol. */
export interface PublishAttempt {
  /** Secret: never log it. */
  readonly streamKey: string;
  readonly remoteAddress: string;
  /** The channel named by the URL (WHIP's `/whip/<channel>`); RTMP names none and publishes to the key's channel. */
  readonly channelParam?: string;
}

export type AdmissionRefusalCode =
  | 'TOO_MANY_ATTEMPTS'
  | 'BAD_STREAM_KEY'
  | 'KEY_NOT_FOR_CHANNEL'
  | 'ALREADY_LIVE'
  | 'KEY_CHECK_UNAVAILABLE';

export type AdmissionDecision =
  | {
      readonly ok: true;
      readonly channel: Channel;
      /** Undo the reservation if the publish never starts (bad SDP, a client gone while we checked). */
      readonly release: () => void;
    }
  | {
      readonly ok: false;
      readonly code: AdmissionRefusalCode;
      /** The HTTP status a WHIP client gets; RTMP shows `message` in the encoder's log. */
      readonly status: 401 | 403 | 409 | 429 | 503;
      /** A sentence the streamer can act on; it never names a channel the caller did not name. */
      readonly message: string;
      readonly retryAfterSec?: number;
    };

export type AdmissionRefusal = Extract<AdmissionDecision, { ok: false }>;

export interface PublishAdmissionOptions {
  readonly keys: StreamKeyStore;
  /** Whether a channel is live from any ingest (the hub, or the SFU for WHIP, which feeds the hub via a bridge). */
  readonly isLive: (channelId: string) => boolean;
  readonly throttle?: Partial<FailedAttemptLimits>;
  readonly nowMs?: () => number;
  /** Where a failed key lookup (the database is down) is reported. */
  readonly logger?: Logger;
  /** Every refusal, for metrics and one log line. */
  readonly onRefused?: (code: AdmissionRefusalCode, attempt: PublishAttempt) => void;
}

/**
 * Who may publish where, for every ingest: a throttle on failed key checks per address, the key check, the channel
 * named in the URL, and one publisher per channel (a reservation held from the decision until the stream starts).
 */
export class PublishAdmission {
  readonly #options: PublishAdmissionOptions;
  readonly #throttle: FailedAttemptThrottle;
  /** Channels admitted whose stream has not reached the hub yet. */
  readonly #reserved = new Set<string>();

  constructor(options: PublishAdmissionOptions) {
    this.#options = options;
    this.#throttle = new FailedAttemptThrottle(options.throttle, options.nowMs);
  }

  /** The admitted publish has started (it is live in the hub or the SFU now): its reservation is no longer needed. */
  started(channelId: string): void {
    this.#reserved.delete(channelId);
  }

  isLiveOrReserved(channelId: string): boolean {
    return this.#reserved.has(channelId) || this.#options.isLive(channelId);
  }

  async admit(attempt: PublishAttempt): Promise<AdmissionDecision> {
    const check = this.#throttle.check(attempt.remoteAddress);
    if (!check.allowed) {
      const retryAfterSec = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
      return this.#refuse(attempt, {
        code: 'TOO_MANY_ATTEMPTS',
        status: 429,
        message: `too many wrong stream keys from your address; check the key and try again in ${retryAfterSec} s`,
        retryAfterSec,
      });
    }
    let channel: Channel | null;
    try {
      channel = await this.#options.keys.verify(attempt.streamKey);
    } catch (err) {
      // A new publish waits for the database; streams already live never ask it again, so they go on.
      this.#options.logger?.error({ err, remoteAddress: attempt.remoteAddress }, 'stream key check failed');
      return this.#refuse(attempt, {
        code: 'KEY_CHECK_UNAVAILABLE',
        status: 503,
        message: 'the stream key could not be checked (the channel database is not answering); retry in a few seconds',
        retryAfterSec: 5,
      });
    }
    if (channel === null) {
      this.#throttle.recordFailure(attempt.remoteAddress);
      return this.#refuse(attempt, {
        code: 'BAD_STREAM_KEY',
        status: 401,
        message: 'unknown stream key; copy it again from your channel settings',
      });
    }
    if (attempt.channelParam !== undefined && channel.id !== attempt.channelParam) {
      // Counted as a failure too, and worded so that the caller learns nothing about whose key it is.
      this.#throttle.recordFailure(attempt.remoteAddress);
      return this.#refuse(attempt, {
        code: 'KEY_NOT_FOR_CHANNEL',
        status: 403,
        message: `this stream key does not publish to ${attempt.channelParam}; use the key of that channel`,
      });
    }
    if (this.isLiveOrReserved(channel.id)) {
      return this.#refuse(attempt, {
        code: 'ALREADY_LIVE',
        status: 409,
        message: `channel ${channel.id} is already live from another encoder; stop it first`,
      });
    }
    this.#reserved.add(channel.id);
    return { ok: true, channel, release: () => this.#reserved.delete(channel.id) };
  }

  #refuse(attempt: PublishAttempt, refusal: Omit<AdmissionRefusal, 'ok'>): AdmissionRefusal {
    this.#options.onRefused?.(refusal.code, attempt);
    return { ok: false, ...refusal };
  }
}
