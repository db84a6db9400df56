import type { AudioConfig } from '@glint/media-core';
import { OPUS_RTP_CODEC, OPUS_SAMPLES_PER_20MS, opus90kToTicks } from '../../protocols/rtp/opus.ts';
import type { RtpCodec } from '../../sfu/types.ts';
import { AacToOpus, type OpusRtpOut, type TranscodeLatency } from '../../transcode/aac-to-opus.ts';
import { RtpFanOut, type RtpListener } from './rtp-fan-out.ts';
import { TranscoderTimeline } from './transcoder-timeline.ts';

export interface AudioRtpPathOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  /** Default: the transcoder's (`OPUS_BITRATE_KBPS`). */
  readonly opusBitrateKbps?: number;
  readonly ffmpegPath?: string;
  readonly onError: (error: unknown) => void;
}

/**
 * A stream's audio as Opus RTP for WebRTC viewers. Opus (from WHIP) is sent as-is (RFC 7587: the payload is the
 * Opus packet; the 48 kHz timestamp follows the stream's pts). AAC is transcoded by one ffmpeg that runs only while
 * someone listens; its packets get this path's SSRC and sequence, and one timeline across ffmpeg restarts.
 */
export class AudioRtpPath {
  readonly #options: AudioRtpPathOptions;
  readonly #out: RtpFanOut;
  readonly #timeline = new TranscoderTimeline(OPUS_SAMPLES_PER_20MS);
  #config: AudioConfig | null = null;
  #closed = false;
  #transcoder: AacToOpus | null = null;
  #starting: Promise<void> | null = null;
  /** The last stop in flight: resolves when that ffmpeg has exited. */
  #stopped: Promise<void> = Promise.resolve();
  #lastLatency: TranscodeLatency | null = null;

  constructor(options: AudioRtpPathOptions) {
    this.#options = options;
    this.#out = new RtpFanOut({
      ssrc: options.ssrc,
      payloadType: options.payloadType,
      startAtKeyframe: false,
      onError: options.onError,
    });
  }

  /** The track once the stream's audio config arrived: Opus either way. */
  get codec(): RtpCodec | undefined {
    return this.#config ? OPUS_RTP_CODEC : undefined;
  }

  get listenerCount(): number {
    return this.#out.size;
  }

  /** The AAC→Opus ffmpeg's pid while it runs. */
  get transcoderPid(): number | undefined {
    return this.#transcoder?.pid;
  }

  /** Latency samples of the running transcoder, or of the last one that ran. */
  get transcodeLatency(): TranscodeLatency | null {
    return this.#transcoder?.latency ?? this.#lastLatency;
  }

  onRtp(listener: RtpListener): () => void {
    const remove = this.#out.add(listener);
    this.#update();
    return () => {
      if (remove()) this.#update();
    };
  }

  setConfig(config: AudioConfig): void {
    this.#config = config;
    this.#update();
  }

  push(data: Uint8Array, pts90k: number): void {
    if (this.#out.size === 0 || !this.#config) return;
    if (this.#config.codec === 'opus') {
      this.#out.send([{ payload: data, marker: false }], opus90kToTicks(pts90k));
      return;
    }
    this.#timeline.noteInput(opus90kToTicks(pts90k));
    this.#transcoder?.write(data);
  }

  /** Drops every listener and stops the transcoder; resolves when its ffmpeg is gone. Again: waits for that. */
  close(): Promise<void> {
    this.#closed = true;
    this.#out.clear();
    return this.#stop();
  }

  /** Resolves once no transcoder runs (after the last listener left). */
  async whenStopped(): Promise<void> {
    await this.#starting;
    await this.#stopped;
  }

  #update(): void {
    const want = !this.#closed && this.#out.size > 0 && this.#config?.codec === 'aac';
    if (want && !this.#transcoder && !this.#starting) this.#start();
    else if (!want && (this.#transcoder || this.#starting)) void this.#stop();
  }

  #start(): void {
    const config = this.#config;
    if (config?.codec !== 'aac') return;
    this.#timeline.startRun();
    const { opusBitrateKbps, ffmpegPath } = this.#options;
    this.#starting = AacToOpus.start({
      asc: config.asc,
      onPacket: (out) => this.#onOpus(out),
      onError: (error) => {
        this.#options.onError(error);
        void this.#stop();
      },
      ...(opusBitrateKbps ? { bitrateKbps: opusBitrateKbps } : {}),
      ...(ffmpegPath ? { ffmpegPath } : {}),
    }).then(
      (transcoder) => {
        this.#starting = null;
        this.#transcoder = transcoder;
        // Listeners may have left, or the stream ended, while it started.
        this.#update();
      },
      (error: unknown) => {
        this.#starting = null;
        this.#options.onError(error);
      },
    );
  }

  async #stop(): Promise<void> {
    await this.#starting;
    const t = this.#transcoder;
    if (t) {
      this.#transcoder = null;
      this.#lastLatency = t.latency;
      this.#stopped = t.stop();
    }
    await this.#stopped;
  }

  /** A run's first packet sits at the pts of the first AAC frame given to it, so audio and video share a clock. */
  #onOpus(out: OpusRtpOut): void {
    this.#out.send([{ payload: out.payload, marker: false }], this.#timeline.place(out.relativeTicks));
  }
}
