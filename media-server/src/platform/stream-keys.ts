import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GlintError } from '@glint/media-core';

/** A channel a stream key may publish to. */
export interface Channel {
  readonly id: string;
  readonly displayName: string;
}

/**
 * The stream-key check every ingest asks before media flows. The channel-platform issue replaces the in-memory
 * store with accounts and a database behind this same interface.
 */
export interface StreamKeyStore {
  /** The channel this key publishes to, or null for an unknown key. Never logs the key. */
  verify(streamKey: string): Promise<Channel | null>;
}

/** Shorter keys are refused: a chosen key (GLINT_DEMO_STREAM_KEY) must not be guessable. Generated keys are 32+. */
export const MIN_STREAM_KEY_LENGTH = 16;

/** A key that does not meet the minimum; the message says what to do. */
export class WeakStreamKeyError extends GlintError<'STREAM_KEY_TOO_SHORT'> {
  override readonly name = 'WeakStreamKeyError';
  constructor(length: number) {
    super(
      'STREAM_KEY_TOO_SHORT',
      `a stream key needs at least ${MIN_STREAM_KEY_LENGTH} characters (got ${length}); choose a longer one`,
    );
  }
}

/** Keys held in memory, compared in constant time. */
export class MemoryStreamKeyStore implements StreamKeyStore {
  readonly #keys = new Map<string, Channel>();

  add(channel: Channel, streamKey: string = generateStreamKey(channel.id)): string {
    if (streamKey.length < MIN_STREAM_KEY_LENGTH) throw new WeakStreamKeyError(streamKey.length);
    this.#keys.set(streamKey, channel);
    return streamKey;
  }

  async verify(streamKey: string): Promise<Channel | null> {
    const given = Buffer.from(streamKey);
    for (const [key, channel] of this.#keys) {
      const known = Buffer.from(key);
      if (known.length === given.length && timingSafeEqual(known, given)) return channel;
    }
    return null;
  }
}

/** `live_<channel>_<random>`: recognisable in a settings page, unguessable (128 random bits). */
export function generateStreamKey(channelId: string): string {
  return `live_${channelId}_${randomBytes(16).toString('base64url')}`;
}
