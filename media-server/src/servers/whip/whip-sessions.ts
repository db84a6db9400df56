import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Publisher } from '../../sfu/publisher.ts';

export interface WhipSession {
  readonly id: string;
  readonly channelId: string;
  readonly etag: string;
  readonly publisher: Publisher;
  /** SHA-256 of the stream key that opened the session (the key itself is never kept). */
  readonly keyHash: Buffer;
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Whether `key` is the stream key that opened `session`, compared in constant time. */
export function sessionKeyMatches(session: WhipSession, key: string): boolean {
  return timingSafeEqual(hashKey(key), session.keyHash);
}

/**
 * Live WHIP sessions, and channels with a publish being negotiated, so two encoders racing for one channel
 * cannot both win between the authorization and the answer.
 */
export class WhipSessions {
  readonly #byId = new Map<string, WhipSession>();
  readonly #busy = new Set<string>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): WhipSession | undefined {
    return this.#byId.get(id);
  }

  /** False when the channel already has a session or one being set up. */
  reserve(channelId: string): boolean {
    if (this.#busy.has(channelId)) return false;
    this.#busy.add(channelId);
    return true;
  }

  release(channelId: string): void {
    this.#busy.delete(channelId);
  }

  /** `streamKey` is hashed at once; DELETE must present it again (RFC 9725 §4.3: same authentication). */
  add(channelId: string, publisher: Publisher, streamKey: string): WhipSession {
    const session: WhipSession = {
      id: randomUUID(),
      channelId,
      etag: `"${randomBytes(9).toString('base64url')}"`,
      publisher,
      keyHash: hashKey(streamKey),
    };
    this.#byId.set(session.id, session);
    return session;
  }

  /** Forgets a session and frees its channel. */
  remove(id: string): WhipSession | undefined {
    const session = this.#byId.get(id);
    if (!session) return undefined;
    this.#byId.delete(id);
    this.#busy.delete(session.channelId);
    return session;
  }

  all(): WhipSession[] {
    return [...this.#byId.values()];
  }
}
