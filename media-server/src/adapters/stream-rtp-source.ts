import { randomInt } from 'node:crypto';
import { type AudioConfig, codec, type H264Config, type VideoAccessUnit } from '@glint/media-core';
import { DEFAULT_MAX_PAYLOAD_BYTES, packetizeH264, RtpSequencer } from '../protocols/rtp/h264-packetizer.ts';
import { OPUS_DEFAULT_PAYLOAD_TYPE, OPUS_RTP_CODEC, opus90kToTicks } from '../protocols/rtp/opus.ts';
import type { MediaKind, RtpCodec, RtpSource } from '../sfu/types.ts';
import type { LiveStream } from '../stream/live-stream.ts';
import type { StreamEndReason, StreamEvent, StreamReader } from '../stream/types.ts';
import { AacToOpus, type OpusRtpOut, type TranscodeLatency } from '../transcode/aac-to-opus.ts';
import { WebRtcBridgeError } from '../transcode/errors.ts';
import { H264Reencoder } from '../transcode/h264-reencoder.ts';

export const H264_DEFAULT_PAYLOAD_TYPE = 102;

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** An RTP payload (RFC 6184) that opens a keyframe: an IDR or SPS, alone, first in a STAP-A, or an FU-A start. */
function startsKeyframe(payload: Uint8Array): boolean {
  const type = (payload[0] ?? 0) & 0x1f;
  if (type === 5 || type === 7) return true;
  if (type === 24) return [5, 7].includes((payload[3] ?? 0) & 0x1f);
  if (type === 28) return ((payload[1] ?? 0) & 0x80) !== 0 && ((payload[1] ?? 0) & 0x1f) === 5;
  return false;
}

export interface StreamRtpSourceOptions {
  /**
   * What to do with B-frames. 'passthrough' sends frames in decode order with their pts as the RTP timestamp;
   * Chromium then shows only the keyframes (measured: 2 fps of 30). 'reencode' runs one ffmpeg re-encoding without
   * B-frames while WebRTC viewers watch. 'auto' (default): passthrough until B-frames are seen, then re-encode.
   */
  readonly bframes?: 'auto' | 'passthrough' | 'reencode';
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
 * Why an SPS cannot describe the stream to WebRTC viewers (their SDP carries its profile-level-id), or undefined
 * when it can. A publisher's bad codec data is dropped here, never turned into an error for every viewer.
 */
export function spsProblem(sps: Uint8Array | undefined): string | undefined {
  if (!sps) return 'the config has no SPS';
  try {
    codec.parseSps(sps);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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
  /** A bad video config was reported and none valid came since: report the next bad one only after a good one. */
  #badVideoConfigReported = false;
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
  #reencoder: Promise<H264Reencoder | null> | null = null;
  /** The pts of the first access unit the running re-encoder was given. */
  #reencodeBase: number | null = null;
  /** RTP timestamp base of the re-encoder's current run, set by its first packet. */
  #reencodeRun: { base: number } | null = null;
  #lastVideoTs: number | null = null;
  /** First dts and frame count, for the frame rate the re-encoder needs. */
  #rate: { firstDts: number; lastDts: number; frames: number } | null = null;
  keyframeRequests = 0;

  constructor(stream: LiveStream, options: StreamRtpSourceOptions = {}) {
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
    // Only a config whose SPS parsed is kept (see #setVideoConfig), so profileLevelIdOf cannot throw here.
    if (sps) {
      // The re-encoder sends constrained baseline.
      const profile = this.#reencoding ? '42e01f' : profileLevelIdOf(sps);
      codecs.video = {
        mimeType: 'video/H264',
        clockRate: 90_000,
        sdpFmtpLine: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profile}`,
      };
    }
    if (this.#audioConfig) codecs.audio = OPUS_RTP_CODEC;
    return codecs;
  }

  get #reencoding(): boolean {
    const mode = this.#opts.bframes ?? 'auto';
    return mode === 'reencode' || (mode === 'auto' && this.#hasBFrames);
  }

  /** Frames arrived out of presentation order (pts went back in decode order). */
  get hasBFrames(): boolean {
    return this.#hasBFrames;
  }

  /** The AAC→Opus ffmpeg's pid while it runs. */
  get audioTranscoderPid(): number | undefined {
    return this.#transcoder?.pid;
  }

  /** RTP listeners now, per kind: what decides whether the transcoders run. */
  get listenerCounts(): Readonly<Record<MediaKind, number>> {
    return { video: this.#videoListeners.size, audio: this.#audioListeners.size };
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
      return () => {
        if (this.#videoListeners.delete(entry) && this.#videoListeners.size === 0) void this.#stopReencoder();
      };
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
    const stopped = Promise.all([this.#stopTranscoder(), this.#stopReencoder()]).then(() => {});
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
        this.#setVideoConfig(event.config);
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
    if (this.#rate) {
      this.#rate.lastDts = au.dts90k;
      this.#rate.frames++;
    } else {
      this.#rate = { firstDts: au.dts90k, lastDts: au.dts90k, frames: 1 };
    }
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
    if (this.#reencoding) {
      this.#reencode(nals, au);
      return;
    }
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

  /** Feeds the re-encoder (started on demand) with the access unit in Annex B, parameter sets before keyframes. */
  #reencode(nals: readonly Uint8Array[], au: VideoAccessUnit): void {
    if (!this.#reencoder) {
      if (!au.keyframe) return; // the decoder starts at a keyframe
      this.#reencodeBase = au.pts90k;
      this.#reencodeRun = null;
      this.#reencoder = H264Reencoder.start({
        fps: this.#frameRate(),
        onPacket: (out) => this.#onReencoded(out),
        onError: (error) => {
          this.#opts.onError?.(error);
          void this.#stopReencoder();
        },
      }).catch((error: unknown) => {
        this.#opts.onError?.(error);
        return null;
      });
    }
    const withConfig =
      au.keyframe && this.#videoConfig ? [...this.#videoConfig.sps, ...this.#videoConfig.pps, ...nals] : nals;
    const annexB = Buffer.concat(withConfig.flatMap((nal) => [START_CODE, nal]));
    void this.#reencoder.then((r) => r?.write(annexB));
  }

  /** Frames per second seen so far, snapped to a common rate when within 1 % of one (ms-rounded FLV timestamps). */
  #frameRate(): number {
    const r = this.#rate;
    const measured =
      r && r.frames > 1 && r.lastDts > r.firstDts ? ((r.frames - 1) * 90_000) / (r.lastDts - r.firstDts) : 30;
    const common = [23.976, 24, 25, 29.97, 30, 50, 59.94, 60].find((f) => Math.abs(f - measured) / f < 0.01);
    return common ?? measured;
  }

  #onReencoded(out: { payload: Uint8Array; marker: boolean; relativeTicks: number }): void {
    // A run starts at the pts of the first access unit it was given, never before what a previous run sent.
    if (this.#reencodeRun === null) {
      const fromPts = this.#reencodeBase ?? 0;
      this.#reencodeRun = { base: this.#lastVideoTs === null ? fromPts : Math.max(fromPts, this.#lastVideoTs + 3000) };
    }
    const ts = this.#reencodeRun.base + out.relativeTicks;
    this.#lastVideoTs = ts;
    const packet = this.#video.serialize([{ payload: out.payload, marker: out.marker }], ts)[0];
    if (!packet) return;
    const keyframeStart = startsKeyframe(out.payload);
    let first = true;
    for (const listener of this.#videoListeners) {
      if (listener.waitingForKeyframe) {
        if (!keyframeStart) continue;
        listener.waitingForKeyframe = false;
      }
      this.#safe(() => listener.fn(first ? packet : Buffer.from(packet)));
      first = false;
    }
  }

  async #stopReencoder(): Promise<void> {
    const running = this.#reencoder;
    this.#reencoder = null;
    const r = await running;
    await r?.stop();
  }

  #takeInBandConfig(nals: readonly Uint8Array[]): void {
    const sps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.SPS);
    const pps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.PPS);
    if (sps.length > 0 && pps.length > 0) this.#setVideoConfig({ codec: 'h264', sps, pps });
  }

  /** Keeps a config whose SPS parses; drops any other with one error report (the last good config stays). */
  #setVideoConfig(config: H264Config): void {
    const problem = spsProblem(config.sps[0]);
    if (problem === undefined) {
      this.#videoConfig = config;
      this.#badVideoConfigReported = false;
      return;
    }
    if (this.#badVideoConfigReported) return;
    this.#badVideoConfigReported = true;
    this.#opts.onError?.(
      new WebRtcBridgeError('INVALID_VIDEO_CONFIG', `video config dropped for WebRTC viewers: ${problem}`),
    );
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
