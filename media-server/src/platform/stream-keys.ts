import { randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Keys held in memory, compared in constant time. */
export class MemoryStreamKeyStore implements StreamKeyStore {
  readonly #keys = new Map<string, Channel>();

  add(channel: Channel, streamKey: string = generateStreamKey(channel.id)): string {
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

/** `live_<channel>_<random>`: recognisable in a settings page, unguessable. */
export function generateStreamKey(channelId: string): string {
  return `live_${channelId}_${randomBytes(12).toString('base64url')}`;
}
