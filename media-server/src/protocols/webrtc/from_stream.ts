import { randomInt } from 'node:crypto';
import { type AudioConfig, codec, type H264Config, type VideoAccessUnit } from '@glint/llhls-packager';
import type { MediaKind, RtpCodec, RtpSource } from '../../sfu/types.ts';
import type { LiveStream } from '../../stream/live-stream.ts';
import type { StreamEndReason, StreamEvent, StreamReader } from '../../stream/types.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, packetizeH264, RtpSequencer } from '../rtp/h264-packetizer.ts';
import { OPUS_DEFAULT_PAYLOAD_TYPE, OPUS_RTP_CODEC, opus90kToTicks } from '../rtp/opus.ts';
import { AacToOpus, type OpusRtpOut, type TranscodeLatency } from './aac_to_opus.ts';
import { WebRtcBridgeError } from './errors.ts';

export const H264_DEFAULT_PAYLOAD_TYPE = 102;

export interface StreamRtpSourceOptions {
  /**
   * What to do with B-frames: 'passthrough' sends frames in decode order with their pts as the RTP timestamp
   * (Chromium's decoder reorders them). 'reencode' (one ffmpeg re-encoding with -bf 0) is not built yet.
   */
  readonly bframes?: 'passthrough' | 'reencode';
  readonly maxPayloadBytes?: number;
  readonly videoPayloadType?: number;
  readonly audioPayloadType?: number;
  readonly videoSsrc?: number;
  readonly audioSsrc?: number;
  readonly opusBitrateKbps?: number;
  readonly ffmpegPath?: string;
  /** Errors that do not stop the source (a bad access unit, a transcoder failure); log them. */
  readonly onError?: (error: unknown) => void;
}

type Listener = (packet: Buffer) => void;

interface VideoListener {
  readonly fn: Listener;
  /** A new listener starts at an IDR: a decoder cannot start mid-GOP. */
  waitingForKeyframe: boolean;
}

/** profile-level-id (RFC 6184 8.1) from an SPS: profile_idc, constraint flags byte, level_idc, as hex. */
export function profileLevelIdOf(sps: Uint8Array): string {
  if (sps.length < 4) throw new WebRtcBridgeError('UNSUPPORTED_CODEC', 'SPS is too short to hold a profile');
  return Buffer.from(sps.subarray(1, 4)).toString('hex');
}

/**
 * An RTMP (or any) live stream as an RTP source for the SFU. Video: each access unit packetized per RFC 6184 mode 1
 * with SPS/PPS before every IDR, RTP timestamp = pts90k. Audio: AAC is transcoded to Opus by one ffmpeg that runs
 * only while someone listens for audio; an Opus stream (from WHIP) is sent as-is.
 */
export class StreamRtpSource implements RtpSource {
  readonly channelId: string;
  readonly #opts: StreamRtpSourceOptions;
  readonly #detach: () => void;
  readonly #video: RtpSequencer;
  readonly #audio: RtpSequencer;
  readonly #videoListeners = new Set<VideoListener>();
  readonly #audioListeners = new Set<Listener>();
  readonly #closeListeners = new Set<() => void>();
  #videoConfig: H264Config | null = null;
  #audioConfig: AudioConfig | null = null;
  #maxPts90k: number | null = null;
  #hasBFrames = false;
  #closed = false;
  #transcoder: AacToOpus | null = null;
  #transcoderStarting: Promise<void> | null = null;
  /** The last stop in flight: resolves when that ffmpeg has exited. */
  #transcoderStopped: Promise<void> = Promise.resolve();
  #lastTranscoderLatency: TranscodeLatency | null = null;
  /** Opus RTP timeline kept across ffmpeg restarts: the next run starts after the last packet sent. */
  #opusRun: { baseTicks: number } | null = null;
  #lastOpusTicks: number | null = null;
  #nextAacPts90k: number | null = null;
  keyframeRequests = 0;

  constructor(stream: LiveStream, options: StreamRtpSourceOptions = {}) {
    if (options.bframes === 'reencode') {
      throw new WebRtcBridgeError('UNSUPPORTED_OPTION', "bframes: 'reencode' is not implemented; use 'passthrough'");
    }
    this.channelId = stream.channelId;
    this.#opts = options;
    this.#video = new RtpSequencer({
      ssrc: options.videoSsrc ?? randomInt(1, 0xffff_ffff),
      payloadType: options.videoPayloadType ?? H264_DEFAULT_PAYLOAD_TYPE,
    });
    this.#audio = new RtpSequencer({
      ssrc: options.audioSsrc ?? randomInt(1, 0xffff_ffff),
      payloadType: options.audioPayloadType ?? OPUS_DEFAULT_PAYLOAD_TYPE,
    });
    const reader: StreamReader = {
      onEvent: (event) => this.#onEvent(event),
      onEnd: (reason) => this.#onEnd(reason),
    };
    this.#detach = stream.attach(reader);
  }

  /** Tracks known so far: video once the stream's SPS arrived, audio once its audio config did. */
  get codecs(): Readonly<Partial<Record<MediaKind, RtpCodec>>> {
    const codecs: Partial<Record<MediaKind, RtpCodec>> = {};
    const sps = this.#videoConfig?.sps[0];
    if (sps) {
      codecs.video = {
        mimeType: 'video/H264',
        clockRate: 90_000,
        sdpFmtpLine: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profileLevelIdOf(sps)}`,
      };
    }
    if (this.#audioConfig) codecs.audio = OPUS_RTP_CODEC;
    return codecs;
  }

  /** Frames arrived out of presentation order (pts went back in decode order). */
  get hasBFrames(): boolean {
    return this.#hasBFrames;
  }

  /** The AAC→Opus ffmpeg's pid while it runs. */
  get audioTranscoderPid(): number | undefined {
    return this.#transcoder?.pid;
  }

  /** Latency samples of the running transcoder, or of the last one that ran. */
  get audioTranscodeLatency(): TranscodeLatency | null {
    return this.#transcoder?.latency ?? this.#lastTranscoderLatency;
  }

  onRtp(kind: MediaKind, listener: Listener): () => void {
    if (this.#closed) return () => {};
    if (kind === 'video') {
      const entry: VideoListener = { fn: listener, waitingForKeyframe: true };
      this.#videoListeners.add(entry);
      return () => this.#videoListeners.delete(entry);
    }
    this.#audioListeners.add(listener);
    this.#updateTranscoder();
    return () => {
      if (this.#audioListeners.delete(listener)) this.#updateTranscoder();
    };
  }

  /**
   * An encoder behind RTMP cannot be asked for a keyframe. Counted only: new listeners already start at the next
   * IDR, which is the best this side can do (the GOP length decides the wait).
   */
  requestKeyframe(): void {
    this.keyframeRequests++;
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) {
      listener();
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Detaches from the stream, stops ffmpeg, tells close listeners. Resolves when ffmpeg is gone. */
  async close(): Promise<void> {
    if (this.#closed) return this.#stopTranscoder();
    this.#closed = true;
    this.#detach();
    this.#videoListeners.clear();
    this.#audioListeners.clear();
    const stopped = this.#stopTranscoder();
    for (const listener of this.#closeListeners) this.#safe(listener);
    this.#closeListeners.clear();
    return stopped;
  }

  /** Resolves once no transcoder runs (after the last audio listener left). */
  async whenAudioStopped(): Promise<void> {
    await this.#transcoderStarting;
    await this.#transcoderStopped;
  }

  #onEnd(_reason: StreamEndReason): void {
    void this.close();
  }

  #onEvent(event: StreamEvent): void {
    switch (event.kind) {
      case 'video-config':
        this.#videoConfig = event.config;
        return;
      case 'audio-config':
        this.#audioConfig = event.config;
        this.#updateTranscoder();
        return;
      case 'video':
        this.#onVideo(event.au);
        return;
      case 'audio':
        this.#onAudio(event.frame.data, event.frame.pts90k);
        return;
      case 'metadata':
        return;
    }
  }

  #onVideo(au: VideoAccessUnit): void {
    if (this.#maxPts90k !== null && au.pts90k < this.#maxPts90k) this.#hasBFrames = true;
    this.#maxPts90k = Math.max(this.#maxPts90k ?? au.pts90k, au.pts90k);
    let nals: Uint8Array[];
    try {
      nals = au.format === 'avcc' ? codec.splitLengthPrefixed(au.data) : codec.splitAnnexB(au.data);
    } catch (error) {
      this.#opts.onError?.(error);
      return;
    }
    if (au.keyframe) this.#takeInBandConfig(nals);
    if (this.#videoListeners.size === 0) return;
    const payloads = packetizeH264(nals, {
      maxPayloadBytes: this.#opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      ...(this.#videoConfig ? { config: this.#videoConfig } : {}),
    });
    if (payloads.length === 0) return;
    const packets = this.#video.serialize(payloads, au.pts90k);
    let first = true;
    for (const listener of this.#videoListeners) {
      if (listener.waitingForKeyframe) {
        if (!au.keyframe) continue;
        listener.waitingForKeyframe = false;
      }
      // werift rewrites packets in place: every listener after the first gets its own copy.
      for (const packet of packets) this.#safe(() => listener.fn(first ? packet : Buffer.from(packet)));
      first = false;
    }
  }

  #takeInBandConfig(nals: readonly Uint8Array[]): void {
    const sps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.SPS);
    const pps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.PPS);
    if (sps.length > 0 && pps.length > 0) this.#videoConfig = { codec: 'h264', sps, pps };
  }

  #onAudio(data: Uint8Array, pts90k: number): void {
    if (this.#audioListeners.size === 0 || !this.#audioConfig) return;
    if (this.#audioConfig.codec === 'opus') {
      // RFC 7587: the payload is the Opus packet itself; the 48 kHz timestamp follows the stream's pts.
      this.#emitAudio(this.#audio.serialize([{ payload: data, marker: false }], opus90kToTicks(pts90k))[0]!);
      return;
    }
    if (this.#nextAacPts90k === null) this.#nextAacPts90k = pts90k;
    this.#transcoder?.write(data);
  }

  #emitAudio(packet: Buffer): void {
    let first = true;
    for (const listener of this.#audioListeners) {
      this.#safe(() => listener(first ? packet : Buffer.from(packet)));
      first = false;
    }
  }

  #updateTranscoder(): void {
    const want = !this.#closed && this.#audioListeners.size > 0 && this.#audioConfig?.codec === 'aac';
    if (want && !this.#transcoder && !this.#transcoderStarting) this.#startTranscoder();
    else if (!want && (this.#transcoder || this.#transcoderStarting)) void this.#stopTranscoder();
  }

  #startTranscoder(): void {
    const config = this.#audioConfig;
    if (config?.codec !== 'aac') return;
    this.#nextAacPts90k = null;
    this.#opusRun = null;
    this.#transcoderStarting = AacToOpus.start({
      asc: config.asc,
      onPacket: (out) => this.#onOpus(out),
      onError: (error) => {
        this.#opts.onError?.(error);
        void this.#stopTranscoder();
      },
      ...(this.#opts.opusBitrateKbps ? { bitrateKbps: this.#opts.opusBitrateKbps } : {}),
      ...(this.#opts.ffmpegPath ? { ffmpegPath: this.#opts.ffmpegPath } : {}),
    }).then(
      (transcoder) => {
        this.#transcoderStarting = null;
        this.#transcoder = transcoder;
        // Listeners may have left, or the stream ended, while it started.
        this.#updateTranscoder();
      },
      (error: unknown) => {
        this.#transcoderStarting = null;
        this.#opts.onError?.(error);
      },
    );
  }

  async #stopTranscoder(): Promise<void> {
    await this.#transcoderStarting;
    const t = this.#transcoder;
    if (t) {
      this.#transcoder = null;
      this.#lastTranscoderLatency = t.latency;
      this.#transcoderStopped = t.stop();
    }
    await this.#transcoderStopped;
  }

  /**
   * ffmpeg's packets get our SSRC, sequence and payload type. Timestamps: the run's first packet sits at the pts of
   * the first AAC frame written (so audio and video RTP share the stream's media clock), never before the last
   * packet sent by a previous run.
   */
  #onOpus(out: OpusRtpOut): void {
    if (this.#opusRun === null) {
      const fromPts = opus90kToTicks(this.#nextAacPts90k ?? 0);
      const afterLast = this.#lastOpusTicks === null ? fromPts : this.#lastOpusTicks + 960;
      this.#opusRun = { baseTicks: Math.max(fromPts, afterLast) };
    }
    const ticks = this.#opusRun.baseTicks + out.relativeTicks;
    this.#lastOpusTicks = ticks;
    this.#emitAudio(this.#audio.serialize([{ payload: out.payload, marker: false }], ticks)[0]!);
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#opts.onError?.(error);
    }
  }
}
