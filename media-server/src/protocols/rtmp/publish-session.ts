import type { MediaEvent } from '../flv/types.ts';

/**
 * Why a publish ended: the encoder said so (FCUnpublish/deleteStream), the socket closed, no bytes arrived for the
 * idle timeout, the publisher sent something we cannot ingest, or our side closed it (session or server close()).
 */
export type PublishEndReason = 'unpublish' | 'disconnect' | 'timeout' | 'error' | 'closed';

/** One accepted RTMP publish, as the rest of the server sees it. */
export interface RtmpPublishSession {
  readonly channelId: string;
  readonly app: string;
  readonly remoteAddress: string;
  readonly ended: boolean;
  /** Media in decode order. Returns a function that removes the listener. */
  onMedia(listener: (event: MediaEvent) => void): () => void;
  /** Called once. A listener added after the end is called at once with the reason. */
  onEnd(listener: (reason: PublishEndReason) => void): () => void;
  /** Drops the publisher's connection; ends the session with 'closed'. */
  close(): void;
}

/** Listener errors go here instead of breaking the connection that emitted. */
export type ListenerErrorSink = (error: unknown, event: 'media' | 'end') => void;

export class PublishSession implements RtmpPublishSession {
  readonly #media = new Set<(event: MediaEvent) => void>();
  readonly #end = new Set<(reason: PublishEndReason) => void>();
  #endReason: PublishEndReason | undefined;

  constructor(
    readonly channelId: string,
    readonly app: string,
    readonly remoteAddress: string,
    private readonly closeConnection: () => void,
    private readonly onListenerError: ListenerErrorSink,
  ) {}

  get ended(): boolean {
    return this.#endReason !== undefined;
  }

  onMedia(listener: (event: MediaEvent) => void): () => void {
    this.#media.add(listener);
    return () => this.#media.delete(listener);
  }

  onEnd(listener: (reason: PublishEndReason) => void): () => void {
    if (this.#endReason !== undefined) {
      this.#call(listener, this.#endReason, 'end');
      return () => {};
    }
    this.#end.add(listener);
    return () => this.#end.delete(listener);
  }

  close(): void {
    if (this.ended) return;
    this.end('closed');
    this.closeConnection();
  }

  /** For the server: deliver one media event; nothing is delivered after the end. */
  deliver(event: MediaEvent): void {
    if (this.ended) return;
    for (const listener of this.#media) this.#call(listener, event, 'media');
  }

  /** For the server: end once; later calls are ignored. */
  end(reason: PublishEndReason): void {
    if (this.ended) return;
    this.#endReason = reason;
    this.#media.clear();
    for (const listener of this.#end) this.#call(listener, reason, 'end');
    this.#end.clear();
  }

  #call<T>(listener: (value: T) => void, value: T, event: 'media' | 'end'): void {
    try {
      listener(value);
    } catch (error) {
      this.onListenerError(error, event);
    }
  }
}
