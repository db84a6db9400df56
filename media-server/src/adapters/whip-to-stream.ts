import { RtpError } from '../protocols/rtp/errors.ts';
import { H264Depacketizer } from '../protocols/rtp/h264-depacketizer.ts';
import { readOpusPayload } from '../protocols/rtp/opus.ts';
import { parseRtpPacket } from '../protocols/rtp/packet.ts';
import { KeyframeGate } from '../sfu/keyframe-gate.ts';
import type { MediaKind, RtpSource } from '../sfu/types.ts';
import type { LiveStream } from '../stream/live-stream.ts';
import { WebRtcBridgeError } from '../transcode/errors.ts';
import { TrackTimeline } from './whip-to-stream/track-timeline.ts';
import { VideoConfigGate } from './whip-to-stream/video-config-gate.ts';

/** Default of `WhipToStreamOptions.keyframeIntervalMs`: the default segment target. */
export const WHIP_KEYFRAME_INTERVAL_MS = 1000;
/** Default of `WhipToStreamOptions.keyframeRetryMs`. */
export const WHIP_KEYFRAME_RETRY_MS = 300;

export interface WhipToStreamOptions {
  /**
   * Ask the publisher for a keyframe this often, ms: browsers send none by themselves, and LL-HLS cuts segments at
   * keyframes, so pass the segment target. Default `WHIP_KEYFRAME_INTERVAL_MS` (1,000).
   */
  readonly keyframeIntervalMs?: number;
  /** Least time between keyframe requests caused by loss, ms. Default `WHIP_KEYFRAME_RETRY_MS` (300). */
  readonly keyframeRetryMs?: number;
  /** Access unit format pushed to the stream. Default 'avcc' (what the packager stores, no conversion). */
  readonly format?: 'annexb' | 'avcc';
  /** Largest video access unit, bytes; a larger one is dropped and a keyframe requested. Default 4 MiB. */
  readonly maxAccessUnitBytes?: number;
  /** Most NAL units in one video access unit. Default 1,024. */
  readonly maxNalsPerAccessUnit?: number;
  /** Wall clock (ms), for aligning the first packet of each track and spacing keyframe requests. */
  readonly clock?: () => number;
  /** The publisher went away: end the stream (e.g. `hub.end(stream, 'disconnect')`). */
  readonly onSourceClose: () => void;
  /**
   * A malformed packet, an access unit past a limit, an invalid SPS or an unsupported codec; the bridge drops what it
   * broke and goes on. Log it.
   */
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
 * WHIP → stream: depacketizes a WebRTC publisher's H.264 and Opus RTP into the live stream's access units and
 * frames (pts = dts: WebRTC H.264 has no B-frames), asks the publisher for keyframes after loss and at every segment
 * target, and ends the stream through `onSourceClose` when the publisher leaves.
 */
export function whipToStream(source: RtpSource, stream: LiveStream, options: WhipToStreamOptions): WhipToStreamBridge {
  const clock = options.clock ?? Date.now;
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
  const report = (error: unknown, kind: MediaKind) => {
    if (error instanceof RtpError || error instanceof WebRtcBridgeError) options.onError?.(error, kind);
    else throw error;
  };

  const video = source.codecs.video;
  if (video && video.mimeType.toLowerCase() === 'video/h264') {
    const depacketizer = new H264Depacketizer({
      format: options.format ?? 'avcc',
      ...(options.maxAccessUnitBytes === undefined ? {} : { maxAccessUnitBytes: options.maxAccessUnitBytes }),
      ...(options.maxNalsPerAccessUnit === undefined ? {} : { maxNalsPerAccessUnit: options.maxNalsPerAccessUnit }),
    });
    const timeline = new TrackTimeline(video.clockRate);
    const gate = new VideoConfigGate();
    // A request after loss is dropped within the retry time: the next packet asks again while one is still needed.
    const keyframes = new KeyframeGate(
      () => {
        stats.keyframeRequests++;
        source.requestKeyframe();
      },
      {
        intervalMs: options.keyframeRetryMs ?? WHIP_KEYFRAME_RETRY_MS,
        withinInterval: 'drop',
        everyMs: options.keyframeIntervalMs ?? WHIP_KEYFRAME_INTERVAL_MS,
        now: clock,
      },
    );
    unsubscribe.push(() => keyframes.close());
    unsubscribe.push(
      source.onRtp('video', (bytes) => {
        const now = arrival();
        const result = depacketizer.pushBytes(bytes);
        for (const error of result.errors) report(error, 'video');
        for (const au of result.accessUnits) {
          const admitted = gate.admit(au, (error) => report(error, 'video'));
          if (!admitted) continue;
          if (admitted.config) stream.push({ kind: 'video-config', config: admitted.config });
          const pts90k = timeline.to90k(au.timestamp, origin, now);
          stream.push({
            kind: 'video',
            au: { data: au.data, format: au.format, pts90k, dts90k: pts90k, keyframe: au.keyframe },
          });
          stats.videoAccessUnits++;
        }
        stats.droppedAccessUnits = depacketizer.droppedAccessUnits + gate.dropped;
        stats.lostVideoPackets = depacketizer.lostPackets;
        if (depacketizer.needsKeyframe || gate.stuck) keyframes.request();
      }),
    );
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
