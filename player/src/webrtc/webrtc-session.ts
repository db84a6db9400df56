import type { SessionResource } from './post-offer.ts';

/**
 * One WHIP or WHEP session: the peer connection and the resource the server created for it. `stop()` closes the
 * connection and DELETEs the resource, with the same token as the POST (RFC 9725 §4.3), so the server frees the
 * channel or the viewer slot at once instead of on an ICE timeout.
 */
export class WebrtcSession {
  #stopped = false;

  constructor(
    readonly pc: RTCPeerConnection,
    readonly resource: SessionResource,
    readonly token?: string | undefined,
  ) {}

  /** The absolute URL to DELETE, or null when the server sent no Location. */
  get resourceUrl(): string | null {
    return this.resource.url;
  }

  /** The DELETE's status, or null when there was no resource, it was already stopped or the server was unreachable. */
  async stop(): Promise<number | null> {
    if (this.#stopped) return null;
    this.#stopped = true;
    this.pc.close();
    if (!this.resourceUrl) return null;
    const headers: Record<string, string> = this.token ? { Authorization: `Bearer ${this.token}` } : {};
    try {
      // keepalive: the DELETE still goes out when stop() runs as the page unloads.
      return (await fetch(this.resourceUrl, { method: 'DELETE', headers, keepalive: true })).status;
    } catch {
      // The page may be leaving or the server gone: either way the session is over on this side.
      return null;
    }
  }
}
