import type { AudioConfig, H264Config } from '@glint/media-core';
import type { ExpectedTracks, StreamEndReason, StreamEvent, StreamReader, StreamSource } from './types.ts';

export type ReaderErrorSink = (error: unknown, channelId: string) => void;

/**
 * One channel's live stream: the publisher pushes events, any number of readers receive them. A reader that throws
 * is reported and detached; it never breaks the publisher or the other readers.
 */
export class LiveStream {
  readonly channelId: string;
  readonly source: StreamSource;
  readonly startedAtMs: number;
  readonly #readers = new Set<StreamReader>();
  readonly #onReaderError: ReaderErrorSink;
  #videoConfig: H264Config | null = null;
  #audioConfig: AudioConfig | null = null;
  #tracks: ExpectedTracks | null = null;
  #ended: StreamEndReason | null = null;
  bytesIn = 0;
  videoFrames = 0;
  audioFrames = 0;

  constructor(channelId: string, source: StreamSource, startedAtMs: number, onReaderError: ReaderErrorSink) {
    this.channelId = channelId;
    this.source = source;
    this.startedAtMs = startedAtMs;
    this.#onReaderError = onReaderError;
  }

  get ended(): boolean {
    return this.#ended !== null;
  }

  get hasVideo(): boolean {
    return this.#videoConfig !== null;
  }

  get hasAudio(): boolean {
    return this.#audioConfig !== null;
  }

  get readerCount(): number {
    return this.#readers.size;
  }

  /** Adds a reader; it first hears the announced tracks and the configs seen so far. Returns a function that detaches it. */
  attach(reader: StreamReader): () => void {
    if (this.#ended) {
      reader.onEnd(this.#ended);
      return () => {};
    }
    this.#readers.add(reader);
    if (this.#tracks) this.#deliver(reader, { kind: 'tracks', tracks: this.#tracks });
    if (this.#videoConfig) this.#deliver(reader, { kind: 'video-config', config: this.#videoConfig });
    if (this.#audioConfig) this.#deliver(reader, { kind: 'audio-config', config: this.#audioConfig });
    return () => this.#readers.delete(reader);
  }

  push(event: StreamEvent): void {
    if (this.#ended) return;
    switch (event.kind) {
      case 'video-config':
        this.#videoConfig = event.config;
        break;
      case 'audio-config':
        this.#audioConfig = event.config;
        break;
      case 'tracks':
        this.#tracks = event.tracks;
        break;
      case 'video':
        this.videoFrames++;
        this.bytesIn += event.au.data.byteLength;
        break;
      case 'audio':
        this.audioFrames++;
        this.bytesIn += event.frame.data.byteLength;
        break;
    }
    for (const reader of this.#readers) this.#deliver(reader, event);
  }

  end(reason: StreamEndReason): void {
    if (this.#ended) return;
    this.#ended = reason;
    for (const reader of this.#readers) {
      try {
        reader.onEnd(reason);
      } catch (error) {
        this.#onReaderError(error, this.channelId);
      }
    }
    this.#readers.clear();
  }

  #deliver(reader: StreamReader, event: StreamEvent): void {
    try {
      reader.onEvent(event);
    } catch (error) {
      this.#readers.delete(reader);
      this.#onReaderError(error, this.channelId);
    }
  }
}
