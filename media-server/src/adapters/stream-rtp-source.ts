import { randomInt } from 'node:crypto';
import { Listeners } from '@glint/media-core';
import { OPUS_DEFAULT_PAYLOAD_TYPE } from '../protocols/rtp/opus.ts';
import type { MediaKind, RtpCodec, RtpSource, VideoLayer } from '../sfu/types.ts';
import type { LiveStream } from '../stream/live-stream.ts';
import type { StreamEvent } from '../stream/types.ts';
import type { TranscodeLatency } from '../transcode/aac-to-opus.ts';
import { H264_REENCODE_BITRATE_KBPS } from '../transcode/h264-reencoder.ts';
import type { ChannelLadder, LadderRung } from '../transcode/ladder/types.ts';
import { AudioRtpPath } from './stream-rtp/audio-rtp-path.ts';
import { BitrateMeter } from './stream-rtp/bitrate-meter.ts';
import { RungLayer } from './stream-rtp/rung-layer.ts';
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
  /**
   * The channel's transcoding ladder: each running rung becomes a video layer beside the source's own (`source`),
   * and the SFU picks one per viewer by its bandwidth. Rungs that start later (or restart) are added as they come.
   */
  readonly ladder?: ChannelLadder;
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
  readonly #bitrate = new BitrateMeter();
  readonly #options: StreamRtpSourceOptions;
  readonly #rungs = new Map<string, RungLayer>();
  readonly #layerListeners: Listeners<[VideoLayer]>;
  readonly #sourceLayer: VideoLayer;
  #detachLadder: () => void = () => {};
  #closed = false;
  keyframeRequests = 0;

  constructor(stream: LiveStream, options: StreamRtpSourceOptions = {}) {
    this.channelId = stream.channelId;
    const onError = (error: unknown) => options.onError?.(error);
    this.#closeListeners = new Listeners(onError);
    this.#layerListeners = new Listeners<[VideoLayer]>(onError);
    this.#options = options;
    this.#sourceLayer = this.#makeSourceLayer();
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
    const { ladder } = options;
    if (ladder && !this.#closed) {
      this.#detachLadder = ladder.onRung((rung) => this.#addRung(rung));
      for (const rung of ladder.rungs()) this.#addRung(rung);
    }
  }

  /** Without a ladder: the source's video alone. */
  videoLayers(): readonly VideoLayer[] {
    return [this.#sourceLayer, ...this.#rungs.values()];
  }

  onVideoLayer(listener: (layer: VideoLayer) => void): () => void {
    if (this.#closed) return () => {};
    return this.#layerListeners.add(listener);
  }

  #makeSourceLayer(): VideoLayer {
    const self = this;
    return {
      id: 'source',
      get width() {
        return self.#video.size.width;
      },
      get height() {
        return self.#video.size.height;
      },
      get bitrateKbps() {
        return self.#video.reencoded
          ? (self.#options.reencodeBitrateKbps ?? H264_REENCODE_BITRATE_KBPS)
          : self.#bitrate.kbps;
      },
      onRtp: (listener) => this.onRtp('video', listener),
      requestKeyframe: () => this.requestKeyframe(),
      onEnd: (listener) => this.onClose(listener),
    };
  }

  #addRung(rung: LadderRung): void {
    if (this.#closed || rung.stream.ended) return;
    if (rung.name === 'source') {
      this.#options.onError?.(new Error('a ladder rung may not be named "source" (the source layer\'s id); ignored'));
      return;
    }
    this.#rungs.get(rung.name)?.end();
    const layer: RungLayer = new RungLayer(rung, {
      ssrc: randomInt(1, 0xffff_ffff),
      payloadType: this.#options.videoPayloadType ?? H264_DEFAULT_PAYLOAD_TYPE,
      requestKeyframe: () => this.requestKeyframe(),
      onError: (error) => this.#options.onError?.(error),
      ...(this.#options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: this.#options.maxPayloadBytes }),
    });
    if (layer.ended) return;
    this.#rungs.set(rung.name, layer);
    layer.onEnd(() => {
      if (this.#rungs.get(rung.name) === layer) this.#rungs.delete(rung.name);
    });
    this.#layerListeners.emit(layer);
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
    this.#detachLadder();
    for (const rung of [...this.#rungs.values()]) rung.end();
    this.#layerListeners.clear();
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
        this.#bitrate.push(event.au.data.byteLength, event.au.dts90k);
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
