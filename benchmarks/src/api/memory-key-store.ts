/**
 * The peer of the platform's key store: keys held in memory as SHA-256 digests (what ingest had before the
 * platform, indexed by digest), checked with the same length bounds and constant-time digest comparison.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { MIN_STREAM_KEY_LENGTH, type PublishChannel, type StreamKeyStore } from '@glint/platform';

const digest = (key: string) => createHash('sha256').update(key).digest();

export class MemoryKeyStore implements StreamKeyStore {
  readonly #byDigest = new Map<string, { digest: Buffer; channel: PublishChannel }>();

  constructor(keys: ReadonlyMap<string, string>) {
    for (const [channel, key] of keys) {
      const d = digest(key);
      this.#byDigest.set(d.toString('hex'), { digest: d, channel: { id: channel, displayName: channel } });
    }
  }

  async verify(streamKey: string): Promise<PublishChannel | null> {
    if (streamKey.length < MIN_STREAM_KEY_LENGTH || streamKey.length > 512) return null;
    const given = digest(streamKey);
    const entry = this.#byDigest.get(given.toString('hex'));
    if (!entry || !timingSafeEqual(entry.digest, given)) return null;
    return entry.channel;
  }
}
