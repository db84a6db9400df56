import { PassThrough } from 'node:stream';
import { codec } from '@glint/media-core';
import ffmpeg from 'fluent-ffmpeg';
import { type AdtsParams, adtsParamsFromAsc, toAdts } from './adts.ts';
import { WebRtcBridgeError } from './errors.ts';
import { type FfmpegRtpPacket, FfmpegRtpReceiver } from './ffmpeg-rtp-receiver.ts';

export interface AacToOpusOptions {
  /** The stream's AudioSpecificConfig; ADTS headers are built from it. */
  readonly asc: Uint8Array;
  /** Each Opus RTP packet ffmpeg sends, with its payload and ffmpeg's own header fields. */
  readonly onPacket: (packet: OpusRtpOut) => void;
  /** ffmpeg failed or exited on its own (not after stop()). */
  readonly onError: (error: WebRtcBridgeError) => void;
  /** Opus bitrate, kbit/s. Default `OPUS_BITRATE_KBPS` (96). */
  readonly bitrateKbps?: number;
  /** Default: fluent-ffmpeg's (FFMPEG_PATH, then PATH). */
  readonly ffmpegPath?: string;
}

export const OPUS_BITRATE_KBPS = 96;

/** One Opus packet as ffmpeg sent it. */
export interface OpusRtpOut {
  readonly payload: Uint8Array;
  /** ffmpeg's RTP timestamp made relative to its first packet, in 48 kHz ticks. */
  readonly relativeTicks: number;
  readonly receivedAtMs: number;
}

/** Added latency samples (ms): the first packet (includes ffmpeg start-up) and each later packet. */
export interface TranscodeLatency {
  readonly firstPacketMs: number | null;
  readonly perPacketMs: readonly number[];
}

const MAX_LATENCY_SAMPLES = 2000;

/**
 * One ffmpeg turning AAC into Opus RTP: raw AAC frames go to its stdin as ADTS, and ffmpeg sends RTP to a UDP port
 * on 127.0.0.1 that this object binds. Why a process: there is no Opus encoder or AAC decoder in the JS runtime
 * worth the name, and ffmpeg's libopus with -application lowdelay adds only a frame or two.
 */
export class AacToOpus {
  readonly #adts: AdtsParams;
  readonly #sampleRate: number;
  readonly #options: AacToOpusOptions;
  readonly #input = new PassThrough();
  #receiver: FfmpegRtpReceiver | null = null;
  /** Write time (performance.now) of each AAC frame, by frame index, for latency measurement. */
  readonly #writeTimes: number[] = [];
  #writeBase = 0;
  #firstPacketMs: number | null = null;
  readonly #latencies: number[] = [];

  private constructor(options: AacToOpusOptions) {
    this.#options = options;
    this.#adts = adtsParamsFromAsc(options.asc);
    this.#sampleRate = codec.parseAudioSpecificConfig(options.asc).sampleRate;
  }

  /** Binds the UDP port and spawns ffmpeg; frames may be written at once (they wait in the pipe). */
  static async start(options: AacToOpusOptions): Promise<AacToOpus> {
    const t = new AacToOpus(options);
    const receiver = await FfmpegRtpReceiver.bind({
      onPacket: (packet) => t.#onPacket(packet),
      onFail: (message) =>
        options.onError(new WebRtcBridgeError('TRANSCODER_FAILED', `AAC→Opus transcoder: ${message}`)),
    });
    t.#receiver = receiver;
    const command = ffmpeg()
      .input(t.#input)
      .inputFormat('aac')
      // Start encoding from the first frame: no probing beyond what the ADTS header says.
      .inputOptions(['-hide_banner', '-loglevel', 'error', '-probesize', '32', '-analyzeduration', '0'])
      .inputOptions(['-fflags', 'nobuffer'])
      .noVideo()
      .audioCodec('libopus')
      .audioBitrate(`${options.bitrateKbps ?? OPUS_BITRATE_KBPS}k`)
      .outputOptions(['-application', 'lowdelay', '-frame_duration', '20', '-ar', '48000'])
      .outputOptions(['-flush_packets', '1', '-payload_type', '111'])
      .format('rtp')
      .output(receiver.url);
    if (options.ffmpegPath) command.setFfmpegPath(options.ffmpegPath);
    receiver.run(command, 'audio');
    return t;
  }

  get pid(): number | undefined {
    return this.#receiver?.pid;
  }

  get latency(): TranscodeLatency {
    return { firstPacketMs: this.#firstPacketMs, perPacketMs: this.#latencies };
  }

  /** Writes one raw AAC frame (no ADTS header). */
  write(frame: Uint8Array): void {
    if (this.#receiver?.stopping) return;
    this.#writeTimes.push(performance.now());
    if (this.#writeTimes.length > 4096) {
      this.#writeTimes.splice(0, 2048);
      this.#writeBase += 2048;
    }
    this.#input.write(toAdts(this.#adts, frame));
  }

  /** Kills ffmpeg and closes the socket; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (!this.#input.writableEnded) this.#input.end();
    return this.#receiver?.stop();
  }

  #onPacket(packet: FfmpegRtpPacket): void {
    if (this.#firstPacketMs === null)
      this.#firstPacketMs = packet.receivedAtMs - (this.#writeTimes[0] ?? packet.receivedAtMs);
    this.#measure(packet.receivedAtMs, packet.relativeTicks);
    this.#options.onPacket({
      payload: packet.payload,
      relativeTicks: packet.relativeTicks,
      receivedAtMs: packet.receivedAtMs,
    });
  }

  /** Latency of a packet: its arrival minus when the AAC frame holding the end of its media was written. */
  #measure(now: number, relativeTicks: number): void {
    const endSeconds = (relativeTicks + 960) / 48_000;
    const frame = Math.ceil((endSeconds * this.#sampleRate) / 1024) - 1 - this.#writeBase;
    const written = this.#writeTimes[Math.min(frame, this.#writeTimes.length - 1)];
    if (written === undefined || frame < 0) return;
    if (this.#latencies.length >= MAX_LATENCY_SAMPLES) this.#latencies.shift();
    this.#latencies.push(now - written);
  }
}
