import { randomInt } from 'node:crypto';
import { Listeners } from '@glint/media-core';
import { OPUS_DEFAULT_PAYLOAD_TYPE } from '../protocols/rtp/opus.ts';
import type { MediaKind, RtpCodec, RtpSource } from '../sfu/types.ts';
import type { LiveStream } from '../stream/live-stream.ts';
import type { StreamEvent } from '../stream/types.ts';
import type { TranscodeLatency } from '../transcode/aac-to-opus.ts';
import { AudioRtpPath } from './stream-rtp/audio-rtp-path.ts';
import { type BFrameMode, VideoRtpPath } from './stream-rtp/video-rtp-path.ts';

export const H264_DEFAULT_PAYLOAD_TYPE = 102;

export interface StreamRtpSourceOptions {
  /**
   * What to do with B-frames. 'passthrough' sends frames in decode order with their pts as the RTP timestamp;
   * Chromium then shows only the keyframes (measured: 2 fps of 30). 'reencode' runs one ffmpeg re-encoding without
   * B-frames while WebRTC viewers watch. 'auto' (default): passthrough until B-frames are seen, then re-encode.
   */
  readonly bframes?: BFrameMode;
  /** Largest RTP payload of passed-through video, bytes. Default `DEFAULT_MAX_PAYLOAD_BYTES` (1,200). */
  readonly maxPayloadBytes?: number;
  readonly videoPayloadType?: number;
  readonly audioPayloadType?: number;
  /** Default: random. */
  readonly videoSsrc?: number;
  /** Default: random. */
  readonly audioSsrc?: number;
  /** AAC→Opus bitrate, kbit/s. Default `OPUS_BITRATE_KBPS` (96). */
  readonly opusBitrateKbps?: number;
  /** Bitrate of the B-frame-free re-encoding, kbit/s. Default `H264_REENCODE_BITRATE_KBPS` (2,500). */
  readonly reencodeBitrateKbps?: number;
  /** Keyframe interval of the re-encoding, ms. Default `H264_REENCODE_KEYFRAME_INTERVAL_MS` (1,000). */
  readonly reencodeKeyframeIntervalMs?: number;
  /** ffmpeg for both transcoders. Default: fluent-ffmpeg's (FFMPEG_PATH, then PATH). */
  readonly ffmpegPath?: string;
  /** Errors that do not stop the source (a bad access unit, a transcoder failure); log them. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A live stream (RTMP, or any) as an RTP source for the SFU: routes the stream's events to a video path (H.264
 * passed through or re-encoded without B-frames) and an audio path (Opus as-is, AAC through ffmpeg while anyone
 * listens), and ends with the stream.
 */
export class StreamRtpSource implements RtpSource {
  readonly channelId: string;
  readonly #detach: () => void;
  readonly #video: VideoRtpPath;
  readonly #audio: AudioRtpPath;
  readonly #closeListeners: Listeners;
  #closed = false;
  keyframeRequests = 0;

  constructor(stream: LiveStream, options: StreamRtpSourceOptions = {}) {
    this.channelId = stream.channelId;
    const onError = (error: unknown) => options.onError?.(error);
    this.#closeListeners = new Listeners(onError);
    const { maxPayloadBytes, reencodeBitrateKbps, reencodeKeyframeIntervalMs, opusBitrateKbps, ffmpegPath } = options;
    this.#video = new VideoRtpPath({
      ssrc: options.videoSsrc ?? randomInt(1, 0xffff_ffff),
      payloadType: options.videoPayloadType ?? H264_DEFAULT_PAYLOAD_TYPE,
      bframes: options.bframes ?? 'auto',
      onError,
      ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
      ...(reencodeBitrateKbps === undefined ? {} : { reencodeBitrateKbps }),
      ...(reencodeKeyframeIntervalMs === undefined ? {} : { reencodeKeyframeIntervalMs }),
      ...(ffmpegPath ? { ffmpegPath } : {}),
    });
    this.#audio = new AudioRtpPath({
      ssrc: options.audioSsrc ?? randomInt(1, 0xffff_ffff),
      payloadType: options.audioPayloadType ?? OPUS_DEFAULT_PAYLOAD_TYPE,
      onError,
      ...(opusBitrateKbps === undefined ? {} : { opusBitrateKbps }),
      ...(ffmpegPath ? { ffmpegPath } : {}),
    });
    this.#detach = stream.attach({
      onEvent: (event) => this.#onEvent(event),
      onEnd: () => void this.close(),
    });
  }

  /** Tracks known so far: video once the stream's SPS arrived, audio once its audio config did. */
  get codecs(): Readonly<Partial<Record<MediaKind, RtpCodec>>> {
    const codecs: Partial<Record<MediaKind, RtpCodec>> = {};
    const video = this.#video.codec;
    const audio = this.#audio.codec;
    if (video) codecs.video = video;
    if (audio) codecs.audio = audio;
    return codecs;
  }

  /** Frames arrived out of presentation order (pts went back in decode order). */
  get hasBFrames(): boolean {
    return this.#video.hasBFrames;
  }

  /** The AAC→Opus ffmpeg's pid while it runs. */
  get audioTranscoderPid(): number | undefined {
    return this.#audio.transcoderPid;
  }

  /** RTP listeners now, per kind: what decides whether the transcoders run. */
  get listenerCounts(): Readonly<Record<MediaKind, number>> {
    return { video: this.#video.listenerCount, audio: this.#audio.listenerCount };
  }

  /** Latency samples of the running transcoder, or of the last one that ran. */
  get audioTranscodeLatency(): TranscodeLatency | null {
    return this.#audio.transcodeLatency;
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    if (this.#closed) return () => {};
    return kind === 'video' ? this.#video.onRtp(listener) : this.#audio.onRtp(listener);
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
    return this.#closeListeners.add(listener);
  }

  /** Detaches from the stream, stops ffmpeg, tells close listeners. Resolves when ffmpeg is gone. */
  async close(): Promise<void> {
    if (this.#closed) return this.#audio.close();
    this.#closed = true;
    this.#detach();
    const stopped = Promise.all([this.#audio.close(), this.#video.close()]).then(() => {});
    this.#closeListeners.emit();
    this.#closeListeners.clear();
    return stopped;
  }

  /** Resolves once no transcoder runs (after the last audio listener left). */
  whenAudioStopped(): Promise<void> {
    return this.#audio.whenStopped();
  }

  #onEvent(event: StreamEvent): void {
    switch (event.kind) {
      case 'video-config':
        this.#video.setConfig(event.config);
        return;
      case 'audio-config':
        this.#audio.setConfig(event.config);
        return;
      case 'video':
        this.#video.push(event.au);
        return;
      case 'audio':
        this.#audio.push(event.frame.data, event.frame.pts90k);
        return;
      case 'tracks':
        return;
    }
  }
}
