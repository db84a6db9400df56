import { type AudioConfig, codec, type H264Config } from '@glint/media-core';
import type { StreamEvent, StreamSource } from '../../stream/types.ts';

/** What the streamer's dashboard shows of a live stream's ingest, measured on the server as media arrives. */
export interface StreamHealth {
  readonly source: StreamSource;
  /** Wall clock (ms since the epoch) when the publisher started. */
  readonly startedAt: number;
  readonly uptimeSec: number;
  /** Whole seconds the rates below are measured over (up to the window); 0 until one whole second has passed. */
  readonly measuredSec: number;
  /** Media bytes in (video and audio payload, no container overhead), kbit/s; null until measured. */
  readonly bitrateKbps: number | null;
  readonly videoKbps: number | null;
  readonly audioKbps: number | null;
  /** Video frames received per wall-clock second; null until measured. */
  readonly fps: number | null;
  /** Media time between the last two keyframes; null until two have come. */
  readonly keyframeIntervalSec: number | null;
  /** The frame rate the encoder declares (H.264 VUI timing), or what decode times show. */
  readonly nominalFps: number | null;
  /** Frames missing from the video timeline since the start: gaps in decode time the encoder skipped or lost. */
  readonly droppedFrames: number;
  /** Video frames received since the start. */
  readonly videoFrames: number;
  /** How long since the last media arrived (a stalled encoder shows here first). */
  readonly lastMediaAgoMs: number | null;
  readonly video: { readonly codec: string; readonly width: number; readonly height: number } | null;
  readonly audio: {
    readonly codec: string;
    readonly channels: number | null;
    readonly sampleRate: number | null;
  } | null;
}

/** Seconds the rates are averaged over: long enough that a keyframe's second does not read as a spike. */
export const HEALTH_WINDOW_SEC = 5;
/** Decode-time deltas kept to find the usual frame duration. */
const DELTAS_KEPT = 31;
/** Deltas needed before gaps are judged against their median. */
const MIN_DELTAS = 8;
/** A decode-time jump longer than this is a timeline discontinuity (a new encoder session), not dropped frames. */
const MAX_GAP_90K = 10 * 90_000;

interface Bucket {
  second: number;
  videoBytes: number;
  audioBytes: number;
  frames: number;
}

/**
 * A live stream's ingest health from its events and the wall clock when each arrived: rates over the last few whole
 * seconds, the last GOP's length, and frames missing from the decode timeline. Pure: events and times in, numbers out.
 */
export class StreamHealthMeter {
  readonly #source: StreamSource;
  readonly #startedAtMs: number;
  readonly #buckets: Bucket[] = [];
  readonly #deltas: number[] = [];
  #firstSecond: number | null = null;
  #lastMediaMs: number | null = null;
  #lastDts90k: number | null = null;
  #lastKeyDts90k: number | null = null;
  #keyframeInterval90k: number | null = null;
  #declaredFps: number | null = null;
  #dropped = 0;
  #frames = 0;
  #video: StreamHealth['video'] = null;
  #audio: StreamHealth['audio'] = null;

  constructor(source: StreamSource, startedAtMs: number) {
    this.#source = source;
    this.#startedAtMs = startedAtMs;
  }

  push(event: StreamEvent, nowMs: number): void {
    switch (event.kind) {
      case 'video-config':
        this.#videoConfig(event.config);
        return;
      case 'audio-config':
        this.#audio = audioOf(event.config);
        return;
      case 'video': {
        const bucket = this.#bucket(nowMs);
        bucket.videoBytes += event.au.data.byteLength;
        bucket.frames++;
        this.#frames++;
        this.#timeline(event.au.dts90k, event.au.keyframe);
        return;
      }
      case 'audio':
        this.#bucket(nowMs).audioBytes += event.frame.data.byteLength;
        return;
      default:
        return;
    }
  }

  snapshot(nowMs: number): StreamHealth {
    const current = Math.floor(nowMs / 1000);
    // Whole seconds only, and not the first (the publisher started somewhere inside it).
    const from = this.#firstSecond === null ? current : Math.max(current - HEALTH_WINDOW_SEC, this.#firstSecond + 1);
    const seconds = Math.max(0, current - from);
    let videoBytes = 0;
    let audioBytes = 0;
    let frames = 0;
    for (const b of this.#buckets) {
      if (b.second < from || b.second >= current) continue;
      videoBytes += b.videoBytes;
      audioBytes += b.audioBytes;
      frames += b.frames;
    }
    const kbps = (bytes: number) => (seconds === 0 ? null : Math.round((bytes * 8) / seconds / 1000));
    const nominal = this.#nominalFrame90k();
    return {
      source: this.#source,
      startedAt: this.#startedAtMs,
      uptimeSec: Math.max(0, Math.round((nowMs - this.#startedAtMs) / 1000)),
      measuredSec: seconds,
      bitrateKbps: kbps(videoBytes + audioBytes),
      videoKbps: kbps(videoBytes),
      audioKbps: kbps(audioBytes),
      fps: seconds === 0 ? null : Math.round((frames / seconds) * 10) / 10,
      keyframeIntervalSec:
        this.#keyframeInterval90k === null ? null : Math.round(this.#keyframeInterval90k / 900) / 100,
      nominalFps: nominal === null ? null : Math.round((90_000 / nominal) * 100) / 100,
      droppedFrames: this.#dropped,
      videoFrames: this.#frames,
      lastMediaAgoMs: this.#lastMediaMs === null ? null : Math.max(0, nowMs - this.#lastMediaMs),
      video: this.#video,
      audio: this.#audio,
    };
  }

  #bucket(nowMs: number): Bucket {
    this.#lastMediaMs = nowMs;
    const second = Math.floor(nowMs / 1000);
    this.#firstSecond ??= second;
    const last = this.#buckets.at(-1);
    if (last && last.second >= second) return last;
    const bucket = { second, videoBytes: 0, audioBytes: 0, frames: 0 };
    this.#buckets.push(bucket);
    // The window and the second being filled.
    if (this.#buckets.length > HEALTH_WINDOW_SEC + 1) this.#buckets.shift();
    return bucket;
  }

  #timeline(dts90k: number, keyframe: boolean): void {
    const previous = this.#lastDts90k;
    this.#lastDts90k = dts90k;
    if (keyframe) {
      if (this.#lastKeyDts90k !== null && dts90k > this.#lastKeyDts90k) {
        this.#keyframeInterval90k = dts90k - this.#lastKeyDts90k;
      }
      this.#lastKeyDts90k = dts90k;
    }
    if (previous === null) return;
    const delta = dts90k - previous;
    // Backwards or a long jump: a new timeline (a reconnect, a restarted encoder), nothing to count across it.
    if (delta <= 0 || delta > MAX_GAP_90K) {
      this.#lastKeyDts90k = keyframe ? dts90k : null;
      return;
    }
    const nominal = this.#nominalFrame90k();
    if (nominal !== null && delta > nominal * 1.5) this.#dropped += Math.round(delta / nominal) - 1;
    this.#deltas.push(delta);
    if (this.#deltas.length > DELTAS_KEPT) this.#deltas.shift();
  }

  /**
   * One frame's duration: the median of recent decode-time steps, or the rate the SPS declares when the steps agree
   * with it (within a quarter) or are too few yet. A source whose declared rate is not what it sends (variable rate,
   * a VUI in another time base) is judged by what it sends.
   */
  #nominalFrame90k(): number | null {
    const declared = this.#declaredFps === null ? null : 90_000 / this.#declaredFps;
    if (this.#deltas.length < MIN_DELTAS) return declared;
    const sorted = [...this.#deltas].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? null;
    if (declared !== null && median !== null && Math.abs(median - declared) <= declared / 4) return declared;
    return median;
  }

  #videoConfig(config: H264Config): void {
    const sps = config.sps[0];
    if (!sps) return;
    try {
      const info = codec.parseSps(sps);
      this.#video = { codec: codec.avcCodecString(sps), width: info.width, height: info.height };
      const fps = info.frameRate;
      this.#declaredFps = fps !== undefined && fps >= 1 && fps <= 240 ? fps : null;
    } catch {
      // A malformed SPS is the packager's problem to report; the dashboard just shows no resolution.
      this.#video = { codec: 'avc1', width: 0, height: 0 };
      this.#declaredFps = null;
    }
  }
}

function audioOf(config: AudioConfig): StreamHealth['audio'] {
  if (config.codec === 'opus') return { codec: 'opus', channels: config.channels, sampleRate: 48_000 };
  try {
    const info = codec.parseAudioSpecificConfig(config.asc);
    return { codec: codec.aacCodecString(config.asc), channels: info.channels, sampleRate: info.sampleRate };
  } catch {
    return { codec: 'aac', channels: null, sampleRate: null };
  }
}
