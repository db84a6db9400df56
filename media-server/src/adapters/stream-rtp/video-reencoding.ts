import type { H264Config } from '@glint/media-core';
import { startsKeyframe } from '../../protocols/rtp/starts-keyframe.ts';
import { H264Reencoder } from '../../transcode/h264-reencoder.ts';
import type { RtpFanOut } from './rtp-fan-out.ts';
import { TranscoderTimeline } from './transcoder-timeline.ts';

const START_CODE = Buffer.from([0, 0, 0, 1]);
/** One frame at 30 fps, 90 kHz: the least gap between two runs' timestamps. */
const MIN_RUN_STEP_90K = 3000;

export interface VideoReencodingOptions {
  /** Where the re-encoded packets go (the video fan-out: same SSRC and sequence as passthrough). */
  readonly out: RtpFanOut;
  /** The stream's frame rate now, read when a run starts. */
  readonly fps: () => number;
  /** Default: the re-encoder's (`H264_REENCODE_BITRATE_KBPS`). */
  readonly bitrateKbps?: number;
  /** Default: the re-encoder's (`H264_REENCODE_KEYFRAME_INTERVAL_MS`). */
  readonly keyframeIntervalMs?: number;
  readonly ffmpegPath?: string;
  /** The re-encoder failed to start or stopped on its own; the next keyframe starts another run. */
  readonly onError: (error: unknown) => void;
}

/**
 * The stream's video re-encoded without B-frames: one `H264Reencoder` run at a time, started at a keyframe and
 * stopped when asked (no viewer left) or when it fails. Its packets are placed on one timeline across runs: a run
 * starts at the pts of the first access unit it was given.
 */
export class VideoReencoding {
  readonly #options: VideoReencodingOptions;
  readonly #timeline = new TranscoderTimeline(MIN_RUN_STEP_90K);
  #run: Promise<H264Reencoder | null> | null = null;

  constructor(options: VideoReencodingOptions) {
    this.#options = options;
  }

  /** Feeds one access unit's NAL units (a run starts on demand, at a keyframe), parameter sets before keyframes. */
  write(nals: readonly Uint8Array[], keyframe: boolean, pts90k: number, config: H264Config | null): void {
    if (!this.#run) {
      if (!keyframe) return; // the decoder starts at a keyframe
      this.#timeline.startRun();
      this.#timeline.noteInput(pts90k);
      this.#run = this.#start();
    }
    const withConfig = keyframe && config ? [...config.sps, ...config.pps, ...nals] : nals;
    const annexB = Buffer.concat(withConfig.flatMap((nal) => [START_CODE, nal]));
    void this.#run.then((r) => r?.write(annexB));
  }

  /** Stops the running re-encoder; resolves when its ffmpeg is gone. */
  async stop(): Promise<void> {
    const running = this.#run;
    this.#run = null;
    const r = await running;
    await r?.stop();
  }

  #start(): Promise<H264Reencoder | null> {
    const { bitrateKbps, keyframeIntervalMs, ffmpegPath } = this.#options;
    return H264Reencoder.start({
      fps: this.#options.fps(),
      onPacket: (out) => {
        const ts = this.#timeline.place(out.relativeTicks);
        this.#options.out.send([{ payload: out.payload, marker: out.marker }], ts, startsKeyframe(out.payload));
      },
      onError: (error) => {
        this.#options.onError(error);
        void this.stop();
      },
      ...(bitrateKbps === undefined ? {} : { bitrateKbps }),
      ...(keyframeIntervalMs === undefined ? {} : { keyframeIntervalMs }),
      ...(ffmpegPath ? { ffmpegPath } : {}),
    }).catch((error: unknown) => {
      this.#options.onError(error);
      return null;
    });
  }
}
