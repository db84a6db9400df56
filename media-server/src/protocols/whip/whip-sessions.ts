import { randomBytes, randomUUID } from 'node:crypto';
import type { WhipPublisher } from '../../sfu/whip-publisher.ts';

export interface WhipSession {
  readonly id: string;
  readonly channelId: string;
  readonly etag: string;
  readonly publisher: WhipPublisher;
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

  add(channelId: string, publisher: WhipPublisher): WhipSession {
    const session: WhipSession = {
      id: randomUUID(),
      channelId,
      etag: `"${randomBytes(9).toString('base64url')}"`,
      publisher,
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
