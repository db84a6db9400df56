import { codec, type H264Config, type VideoAccessUnit } from '@glint/media-core';
import { GOP_CACHE_DEFAULTS } from '../../protocols/rtp/gop-cache.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, packetizeH264 } from '../../protocols/rtp/h264-packetizer.ts';
import type { RtpCodec } from '../../sfu/types.ts';
import { BFrameDetector } from './b-frame-detector.ts';
import { FrameRateEstimator } from './frame-rate-estimator.ts';
import { H264ConfigKeeper, profileLevelIdOf } from './h264-config-keeper.ts';
import { RtpFanOut, type RtpListener } from './rtp-fan-out.ts';
import { VideoReencoding } from './video-reencoding.ts';

/** What the re-encoder sends: constrained baseline, level 3.1. */
const REENCODED_PROFILE_LEVEL_ID = '42e01f';

export type BFrameMode = 'auto' | 'passthrough' | 'reencode';

export interface VideoRtpPathOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly bframes: BFrameMode;
  readonly maxPayloadBytes?: number;
  readonly reencodeBitrateKbps?: number;
  readonly reencodeKeyframeIntervalMs?: number;
  readonly ffmpegPath?: string;
  readonly onError: (error: unknown) => void;
}

/**
 * A stream's H.264 as RTP for WebRTC viewers: each access unit packetized per RFC 6184 mode 1 with SPS/PPS before
 * every IDR, RTP timestamp = pts90k; or, once B-frames are seen (or always, by option), re-encoded without them
 * while anyone watches. A new listener starts at a keyframe.
 */
export class VideoRtpPath {
  readonly #options: VideoRtpPathOptions;
  readonly #config: H264ConfigKeeper;
  readonly #bframes = new BFrameDetector();
  readonly #rate = new FrameRateEstimator();
  readonly #out: RtpFanOut;
  readonly #reencoding: VideoReencoding;
  /**
   * With no listener, the access units of the current GOP (passthrough only), so the first WebRTC viewer starts at
   * once, from the last keyframe squeezed to the live frame, instead of waiting for the next keyframe (an RTMP
   * encoder cannot be asked for one). The listeners' own GOP is then kept by the fan-out.
   */
  #idleGop: Array<{ nals: Uint8Array[]; pts90k: number; keyframe: boolean }> = [];
  #idleGopBytes = 0;
  #idleGopPackets = 0;

  constructor(options: VideoRtpPathOptions) {
    this.#options = options;
    this.#config = new H264ConfigKeeper(options.onError);
    this.#out = new RtpFanOut({
      ssrc: options.ssrc,
      payloadType: options.payloadType,
      startAtKeyframe: true,
      onError: options.onError,
    });
    this.#reencoding = new VideoReencoding({
      out: this.#out,
      fps: () => this.#rate.fps,
      onError: options.onError,
      ...(options.reencodeBitrateKbps === undefined ? {} : { bitrateKbps: options.reencodeBitrateKbps }),
      ...(options.reencodeKeyframeIntervalMs === undefined
        ? {}
        : { keyframeIntervalMs: options.reencodeKeyframeIntervalMs }),
      ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    });
  }

  /** The track once the stream's SPS arrived. */
  get codec(): RtpCodec | undefined {
    const sps = this.#config.config?.sps[0];
    if (!sps) return undefined;
    const profile = this.#reencoded ? REENCODED_PROFILE_LEVEL_ID : profileLevelIdOf(sps);
    return {
      mimeType: 'video/H264',
      clockRate: 90_000,
      sdpFmtpLine: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profile}`,
    };
  }

  get hasBFrames(): boolean {
    return this.#bframes.seen;
  }

  /** Whether what goes out is the re-encoding (B-frames seen, or always by option). */
  get reencoded(): boolean {
    return this.#reencoded;
  }

  /** The picture size from the stream's SPS, 0×0 before it. */
  get size(): { width: number; height: number } {
    const sps = this.#config.config?.sps[0];
    if (!sps) return { width: 0, height: 0 };
    try {
      const { width, height } = codec.parseSps(sps);
      return { width, height };
    } catch {
      return { width: 0, height: 0 };
    }
  }

  get listenerCount(): number {
    return this.#out.size;
  }

  get #maxPayloadBytes(): number {
    return this.#options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  get #reencoded(): boolean {
    const mode = this.#options.bframes;
    return mode === 'reencode' || (mode === 'auto' && this.#bframes.seen);
  }

  onRtp(listener: RtpListener): () => void {
    const first = this.#out.size === 0;
    const remove = this.#out.add(listener);
    if (first) this.#sendIdleGop();
    return () => {
      if (remove() && this.#out.size === 0) void this.#reencoding.stop();
    };
  }

  setConfig(config: H264Config): void {
    this.#config.set(config);
  }

  push(au: VideoAccessUnit): void {
    this.#bframes.push(au.pts90k);
    this.#rate.push(au.dts90k);
    let nals: Uint8Array[];
    try {
      nals = au.format === 'avcc' ? codec.splitLengthPrefixed(au.data) : codec.splitAnnexB(au.data);
    } catch (error) {
      this.#options.onError(error);
      return;
    }
    if (au.keyframe) this.#config.takeInBand(nals);
    if (this.#out.size === 0) {
      this.#keepIdle(nals, au);
      return;
    }
    if (this.#reencoded) {
      this.#reencoding.write(nals, au.keyframe, au.pts90k, this.#config.config);
      return;
    }
    this.#send(nals, au.pts90k, au.keyframe);
  }

  /** Packetized as they are, SPS/PPS before each IDR, and sent to every listener. */
  #send(nals: Uint8Array[], pts90k: number, keyframe: boolean): void {
    const config = this.#config.config;
    const payloads = packetizeH264(nals, { maxPayloadBytes: this.#maxPayloadBytes, ...(config ? { config } : {}) });
    this.#out.send(payloads, pts90k, keyframe);
  }

  #keepIdle(nals: Uint8Array[], au: VideoAccessUnit): void {
    if (au.keyframe) this.#clearIdleGop();
    if (this.#reencoded || (this.#idleGop.length === 0 && !au.keyframe)) return;
    this.#idleGopBytes += au.data.byteLength;
    // The same bounds as the GopCache its burst will pass through, packets counted as the packetizer will cut them.
    this.#idleGopPackets += Math.ceil(au.data.byteLength / this.#maxPayloadBytes);
    if (this.#idleGopPackets > GOP_CACHE_DEFAULTS.maxPackets || this.#idleGopBytes > GOP_CACHE_DEFAULTS.maxBytes) {
      this.#clearIdleGop();
      return;
    }
    this.#idleGop.push({ nals, pts90k: au.pts90k, keyframe: au.keyframe });
  }

  #clearIdleGop(): void {
    this.#idleGop = [];
    this.#idleGopBytes = 0;
    this.#idleGopPackets = 0;
  }

  #sendIdleGop(): void {
    const gop = this.#idleGop;
    this.#clearIdleGop();
    if (this.#reencoded || gop.length === 0) return;
    const latest = gop[gop.length - 1]?.pts90k ?? 0;
    gop.forEach((au, i) => {
      this.#send(au.nals, latest - (gop.length - 1 - i), au.keyframe);
    });
  }

  /** Drops every listener and stops the re-encoder; resolves when its ffmpeg is gone. */
  close(): Promise<void> {
    this.#out.clear();
    return this.#reencoding.stop();
  }
}
