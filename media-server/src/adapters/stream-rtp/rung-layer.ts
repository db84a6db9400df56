import { Listeners } from '@glint/media-core';
import type { VideoLayer } from '../../sfu/types.ts';
import type { LadderRung } from '../../transcode/ladder/types.ts';
import { VideoRtpPath } from './video-rtp-path.ts';

export interface RungLayerOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly maxPayloadBytes?: number;
  /** Keyframes of a rung follow the source's: a request goes to the source. */
  readonly requestKeyframe: () => void;
  readonly onError: (error: unknown) => void;
}

/**
 * One ladder rung as a video layer: its access units (no B-frames, by the ladder's contract) packetized as the
 * source's passthrough video is, on its own SSRC. Ends with the rung's stream.
 */
export class RungLayer implements VideoLayer {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly bitrateKbps: number;
  readonly #path: VideoRtpPath;
  readonly #options: RungLayerOptions;
  readonly #endListeners: Listeners;
  readonly #detach: (() => void) | undefined;
  #ended = false;

  constructor(rung: LadderRung, options: RungLayerOptions) {
    this.id = rung.name;
    this.width = rung.width;
    this.height = rung.height;
    this.bitrateKbps = rung.bitrateKbps;
    this.#options = options;
    this.#endListeners = new Listeners(options.onError);
    this.#path = new VideoRtpPath({
      ssrc: options.ssrc,
      payloadType: options.payloadType,
      bframes: 'passthrough',
      onError: options.onError,
      ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
    });
    this.#detach = rung.stream.attach({
      onEvent: (event) => {
        if (event.kind === 'video-config') this.#path.setConfig(event.config);
        else if (event.kind === 'video') this.#path.push(event.au);
      },
      onEnd: () => this.end(),
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  onRtp(listener: (packet: Buffer) => void): () => void {
    if (this.#ended) return () => {};
    return this.#path.onRtp(listener);
  }

  requestKeyframe(): void {
    this.#options.requestKeyframe();
  }

  onEnd(listener: () => void): () => void {
    if (this.#ended) {
      listener();
      return () => {};
    }
    return this.#endListeners.add(listener);
  }

  /** Stops forwarding and tells the layer's users (the rung's stream ended, or the source closed). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#detach?.();
    void this.#path.close();
    this.#endListeners.emit();
    this.#endListeners.clear();
  }
}
