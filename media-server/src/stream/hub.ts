import { GlintError } from '@glint/media-core';
import { LiveStream, type ReaderErrorSink } from './live-stream.ts';
import type { StreamEndReason, StreamSource } from './types.ts';

export class ChannelAlreadyLiveError extends GlintError<'CHANNEL_ALREADY_LIVE'> {
  constructor(readonly channelId: string) {
    super('CHANNEL_ALREADY_LIVE', `channel ${channelId} already has a live publisher; stop it before publishing again`);
  }
}

export type StreamListener = (stream: LiveStream) => void;

/** The in-process hub: one live stream per channel; outputs hear of each stream that starts. */
export class StreamHub {
  readonly #streams = new Map<string, LiveStream>();
  readonly #listeners = new Set<StreamListener>();
  readonly #clock: () => number;
  readonly #onReaderError: ReaderErrorSink;

  constructor(options: { clock?: () => number; onReaderError: ReaderErrorSink }) {
    this.#clock = options.clock ?? Date.now;
    this.#onReaderError = options.onReaderError;
  }

  get streams(): LiveStream[] {
    return [...this.#streams.values()];
  }

  get(channelId: string): LiveStream | undefined {
    return this.#streams.get(channelId);
  }

  isLive(channelId: string): boolean {
    return this.#streams.has(channelId);
  }

  /** Outputs (LL-HLS, WebRTC) subscribe here; they attach readers to each stream that starts. */
  onStreamStart(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts a channel's stream; a second publisher on a live channel is refused. */
  publish(channelId: string, source: StreamSource): LiveStream {
    if (this.#streams.has(channelId)) throw new ChannelAlreadyLiveError(channelId);
    const stream = new LiveStream(channelId, source, this.#clock(), this.#onReaderError);
    this.#streams.set(channelId, stream);
    for (const listener of this.#listeners) {
      try {
        listener(stream);
      } catch (error) {
        this.#onReaderError(error, channelId);
      }
    }
    return stream;
  }

  /** Ends a stream and frees its channel for the next publisher. */
  end(stream: LiveStream, reason: StreamEndReason): void {
    if (this.#streams.get(stream.channelId) === stream) this.#streams.delete(stream.channelId);
    stream.end(reason);
  }

  shutdown(): void {
    for (const stream of this.streams) this.end(stream, 'shutdown');
  }
}
