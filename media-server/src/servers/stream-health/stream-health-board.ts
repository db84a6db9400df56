import type { StreamHub } from '../../stream/hub.ts';
import type { LiveStream } from '../../stream/live-stream.ts';
import { type StreamHealth, StreamHealthMeter } from './stream-health-meter.ts';

interface Watched {
  readonly stream: LiveStream;
  readonly meter: StreamHealthMeter;
}

/**
 * A health meter on every live stream of the hub, from its start to its end: one reader per stream, forgotten when
 * the stream ends, so it holds no more than the hub does.
 */
export class StreamHealthBoard {
  readonly #watched = new Map<string, Watched>();
  readonly #clock: () => number;
  readonly #stop: () => void;

  constructor(hub: StreamHub, clock: () => number = Date.now) {
    this.#clock = clock;
    this.#stop = hub.onStreamStart((stream) => this.#watch(stream));
    for (const stream of hub.streams) this.#watch(stream);
  }

  /** The channel's live ingest now, or undefined when nothing is publishing to it. */
  health(channel: string): StreamHealth | undefined {
    return this.#watched.get(channel)?.meter.snapshot(this.#clock());
  }

  get size(): number {
    return this.#watched.size;
  }

  close(): void {
    this.#stop();
    this.#watched.clear();
  }

  #watch(stream: LiveStream): void {
    const watched = { stream, meter: new StreamHealthMeter(stream.source, stream.startedAtMs) };
    this.#watched.set(stream.channelId, watched);
    stream.attach({
      onEvent: (event) => watched.meter.push(event, this.#clock()),
      onEnd: () => {
        if (this.#watched.get(stream.channelId) === watched) this.#watched.delete(stream.channelId);
      },
    });
  }
}
