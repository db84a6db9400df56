import type { H264Config } from '@glint/llhls-packager';
import type { MediaKind, RtpSource } from '../../sfu/types.ts';
import type { LiveStream } from '../../stream/live-stream.ts';
import { RtpError } from '../rtp/errors.ts';
import { H264Depacketizer } from '../rtp/h264-depacketizer.ts';
import { readOpusPayload } from '../rtp/opus.ts';
import { parseRtpPacket } from '../rtp/packet.ts';
import { RtpTimestampUnwrapper, rescaleTicks } from '../rtp/timestamps.ts';
import { WebRtcBridgeError } from './errors.ts';

export interface WhipToStreamOptions {
  /** Ask the publisher for a keyframe this often (the segment target): browsers send none by themselves. 1000 ms. */
  readonly keyframeIntervalMs?: number;
  /** Least time between keyframe requests caused by loss. Default 300 ms. */
  readonly keyframeRetryMs?: number;
  /** Access unit format pushed to the stream. Default 'avcc' (what the packager stores, no conversion). */
  readonly format?: 'annexb' | 'avcc';
  /** Wall clock (ms), for aligning the first packet of each track. */
  readonly clock?: () => number;
  /** The publisher went away: end the stream (e.g. `hub.end(stream, 'disconnect')`). */
  readonly onSourceClose: () => void;
  /** A malformed packet or an unsupported codec; the bridge goes on. Log it. */
  readonly onError?: (error: RtpError | WebRtcBridgeError, kind: MediaKind) => void;
}

/** What the bridge counted, for metrics and tests. */
export interface WhipToStreamStats {
  keyframeRequests: number;
  videoAccessUnits: number;
  audioFrames: number;
  droppedAccessUnits: number;
  lostVideoPackets: number;
}

export interface WhipToStreamBridge {
  readonly stats: Readonly<WhipToStreamStats>;
  stop(): void;
}

/**
 * Places one track's RTP clock on the stream's 90 kHz timeline. Without RTCP sender reports the two tracks' RTP
 * clocks share no origin, so each track's first packet is put at its arrival time relative to the first packet of
 * either track; later packets follow their own RTP timestamps (no jitter from arrival times).
 */
class TrackTimeline {
  readonly #unwrapper = new RtpTimestampUnwrapper();
  readonly #clockRate: number;
  #firstTicks = 0;
  #offset90k: number | null = null;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  to90k(rtpTimestamp: number, originMs: () => number, nowMs: number): number {
    const ticks = this.#unwrapper.unwrap(rtpTimestamp);
    if (this.#offset90k === null) {
      this.#firstTicks = ticks;
      this.#offset90k = Math.round((nowMs - originMs()) * 90);
    }
    return this.#offset90k + rescaleTicks(ticks - this.#firstTicks, this.#clockRate, 90_000);
  }
}

function sameConfig(a: H264Config | null, sps: readonly Uint8Array[], pps: readonly Uint8Array[]): boolean {
  if (!a || a.sps.length !== sps.length || a.pps.length !== pps.length) return false;
  const eq = (x: readonly Uint8Array[], y: readonly Uint8Array[]) => x.every((v, i) => Buffer.compare(v, y[i]!) === 0);
  return eq(a.sps, sps) && eq(a.pps, pps);
}

/**
 * WHIP → stream: depacketizes a WebRTC publisher's H.264 and Opus RTP into the live stream's access units and
 * frames (pts = dts: WebRTC H.264 has no B-frames), asks the publisher for keyframes after loss and at every segment
 * target, and ends the stream through `onSourceClose` when the publisher leaves.
 */
export function whipToStream(source: RtpSource, stream: LiveStream, options: WhipToStreamOptions): WhipToStreamBridge {
  const clock = options.clock ?? Date.now;
  const retryMs = options.keyframeRetryMs ?? 300;
  const stats: WhipToStreamStats = {
    keyframeRequests: 0,
    videoAccessUnits: 0,
    audioFrames: 0,
    droppedAccessUnits: 0,
    lostVideoPackets: 0,
  };
  const unsubscribe: (() => void)[] = [];
  let originMs: number | null = null;
  const origin = () => originMs ?? 0;
  const arrival = () => {
    const now = clock();
    originMs ??= now;
    return now;
  };
  let lastRequestMs = Number.NEGATIVE_INFINITY;
  const requestKeyframe = (now: number) => {
    lastRequestMs = now;
    stats.keyframeRequests++;
    source.requestKeyframe();
  };
  const report = (error: unknown, kind: MediaKind) => {
    if (error instanceof RtpError || error instanceof WebRtcBridgeError) options.onError?.(error, kind);
    else throw error;
  };

  const video = source.codecs.video;
  if (video && video.mimeType.toLowerCase() === 'video/h264') {
    const depacketizer = new H264Depacketizer({ format: options.format ?? 'avcc' });
    const timeline = new TrackTimeline(video.clockRate);
    let config: H264Config | null = null;
    unsubscribe.push(
      source.onRtp('video', (bytes) => {
        const now = arrival();
        const result = depacketizer.pushBytes(bytes);
        for (const error of result.errors) report(error, 'video');
        for (const au of result.accessUnits) {
          if (au.sps.length > 0 && au.pps.length > 0 && !sameConfig(config, au.sps, au.pps)) {
            config = { codec: 'h264', sps: au.sps, pps: au.pps };
            stream.push({ kind: 'video-config', config });
          }
          if (!config) continue; // an IDR without parameter sets before any: wait for the next one
          const pts90k = timeline.to90k(au.timestamp, origin, now);
          stream.push({
            kind: 'video',
            au: { data: au.data, format: au.format, pts90k, dts90k: pts90k, keyframe: au.keyframe },
          });
          stats.videoAccessUnits++;
        }
        stats.droppedAccessUnits = depacketizer.droppedAccessUnits;
        stats.lostVideoPackets = depacketizer.lostPackets;
        if ((depacketizer.needsKeyframe || !config) && now - lastRequestMs >= retryMs) requestKeyframe(now);
      }),
    );
    const timer = setInterval(() => requestKeyframe(clock()), options.keyframeIntervalMs ?? 1000);
    unsubscribe.push(() => clearInterval(timer));
  } else if (video) {
    report(
      new WebRtcBridgeError('UNSUPPORTED_CODEC', `video codec ${video.mimeType} cannot go to LL-HLS; publish H.264`),
      'video',
    );
  }

  const audio = source.codecs.audio;
  if (audio && audio.mimeType.toLowerCase() === 'audio/opus') {
    const timeline = new TrackTimeline(audio.clockRate);
    let configured = false;
    unsubscribe.push(
      source.onRtp('audio', (bytes) => {
        const now = arrival();
        let pts90k: number;
        let data: Uint8Array;
        try {
          const packet = parseRtpPacket(bytes);
          data = readOpusPayload(packet.payload).packet;
          pts90k = timeline.to90k(packet.header.timestamp, origin, now);
        } catch (error) {
          report(error, 'audio');
          return;
        }
        if (!configured) {
          configured = true;
          stream.push({ kind: 'audio-config', config: { codec: 'opus', channels: audio.channels ?? 2 } });
        }
        stream.push({ kind: 'audio', frame: { data, pts90k } });
        stats.audioFrames++;
      }),
    );
  } else if (audio) {
    report(
      new WebRtcBridgeError('UNSUPPORTED_CODEC', `audio codec ${audio.mimeType} is not supported; publish Opus`),
      'audio',
    );
  }

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const fn of unsubscribe.splice(0)) fn();
  };
  unsubscribe.push(
    source.onClose(() => {
      stop();
      options.onSourceClose();
    }),
  );
  return { stats, stop };
}
