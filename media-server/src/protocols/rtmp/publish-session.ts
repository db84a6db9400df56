import { Listeners } from '@glint/media-core';
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
  readonly #media: Listeners<[MediaEvent]>;
  readonly #end: Listeners<[PublishEndReason]>;
  readonly #onListenerError: ListenerErrorSink;
  #endReason: PublishEndReason | undefined;

  constructor(
    readonly channelId: string,
    readonly app: string,
    readonly remoteAddress: string,
    private readonly closeConnection: () => void,
    onListenerError: ListenerErrorSink,
  ) {
    this.#onListenerError = onListenerError;
    this.#media = new Listeners((error) => onListenerError(error, 'media'));
    this.#end = new Listeners((error) => onListenerError(error, 'end'));
  }

  get ended(): boolean {
    return this.#endReason !== undefined;
  }

  onMedia(listener: (event: MediaEvent) => void): () => void {
    return this.#media.add(listener);
  }

  onEnd(listener: (reason: PublishEndReason) => void): () => void {
    if (this.#endReason !== undefined) {
      try {
        listener(this.#endReason);
      } catch (error) {
        this.#onListenerError(error, 'end');
      }
      return () => {};
    }
    return this.#end.add(listener);
  }

  close(): void {
    if (this.ended) return;
    this.end('closed');
    this.closeConnection();
  }

  /** For the server: deliver one media event; nothing is delivered after the end. */
  deliver(event: MediaEvent): void {
    if (this.ended) return;
    this.#media.emit(event);
  }

  /** For the server: end once; later calls are ignored. */
  end(reason: PublishEndReason): void {
    if (this.ended) return;
    this.#endReason = reason;
    this.#media.clear();
    this.#end.emit(reason);
    this.#end.clear();
  }
}
