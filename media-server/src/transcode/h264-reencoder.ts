import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { WebRtcBridgeError } from './errors.ts';
import { type FfmpegRtpPacket, FfmpegRtpReceiver } from './ffmpeg-rtp-receiver.ts';

export interface H264ReencoderOptions {
  /** Each H.264 RTP packet ffmpeg sends (RFC 6184 mode 1 payloads), with its timestamp relative to the first. */
  readonly onPacket: (packet: FfmpegRtpPacket) => void;
  readonly onError: (error: WebRtcBridgeError) => void;
  /** Target (and cap) of the re-encoded video, kbit/s. Default `H264_REENCODE_BITRATE_KBPS` (2,500). */
  readonly bitrateKbps?: number;
  /**
   * A keyframe this often, ms: the longest a joining viewer waits for a picture. Default
   * `H264_REENCODE_KEYFRAME_INTERVAL_MS` (1,000).
   */
  readonly keyframeIntervalMs?: number;
  /** The source's frame rate: raw H.264 carries no timestamps, so frames are timed at this constant rate. */
  readonly fps: number;
  /** Default: fluent-ffmpeg's (FFMPEG_PATH, then PATH). */
  readonly ffmpegPath?: string;
}

export const H264_REENCODE_BITRATE_KBPS = 2500;
export const H264_REENCODE_KEYFRAME_INTERVAL_MS = 1000;

/**
 * One ffmpeg re-encoding a stream's H.264 without B-frames, for WebRTC only: Chromium's WebRTC decoder shows a
 * stream with B-frames at keyframe rate (measured: 2 fps of 30). Annex B access units go to its stdin; RTP comes
 * back over loopback UDP. Frames are timed at the source's constant frame rate (what encoders such as OBS send);
 * arrival times were tried and gave a jittery clock and dropped the start-up burst.
 */
export class H264Reencoder {
  readonly #input = new PassThrough();
  readonly #receiver: FfmpegRtpReceiver;

  private constructor(receiver: FfmpegRtpReceiver) {
    this.#receiver = receiver;
  }

  static async start(options: H264ReencoderOptions): Promise<H264Reencoder> {
    const receiver = await FfmpegRtpReceiver.bind({
      onPacket: options.onPacket,
      onFail: (message) => options.onError(new WebRtcBridgeError('TRANSCODER_FAILED', `H.264 re-encoder: ${message}`)),
    });
    const r = new H264Reencoder(receiver);
    const kbps = options.bitrateKbps ?? H264_REENCODE_BITRATE_KBPS;
    const fps = options.fps.toFixed(3);
    const gopFrames = Math.round(
      (options.fps * (options.keyframeIntervalMs ?? H264_REENCODE_KEYFRAME_INTERVAL_MS)) / 1000,
    );
    const command = ffmpeg()
      .input(r.#input)
      .inputFormat('h264')
      .inputOptions(['-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-flags', 'low_delay'])
      .inputOptions(['-probesize', '32', '-analyzeduration', '0', '-framerate', fps])
      .noAudio()
      // Decoded frames are numbered afresh: the raw stream's reordered B-frames otherwise leave gaps and repeats.
      .videoFilters(`setpts=N/(${fps}*TB)`)
      .videoCodec('libx264')
      .outputOptions(['-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-bf', '0'])
      .outputOptions(['-g', String(gopFrames), '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`])
      .outputOptions(['-bufsize', `${kbps}k`, '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough'])
      .outputOptions(['-flush_packets', '1', '-payload_type', '102'])
      .format('rtp')
      .output(receiver.url);
    if (options.ffmpegPath) command.setFfmpegPath(options.ffmpegPath);
    receiver.run(command, 'video');
    return r;
  }

  /** One access unit in Annex B, parameter sets in front of keyframes. */
  write(annexB: Uint8Array): void {
    if (!this.#receiver.stopping) this.#input.write(annexB);
  }

  async stop(): Promise<void> {
    if (!this.#input.writableEnded) this.#input.end();
    return this.#receiver.stop();
  }
}
