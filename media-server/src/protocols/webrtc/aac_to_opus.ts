import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import { codec } from '@glint/llhls-packager';
import ffmpeg from 'fluent-ffmpeg';
import { isRtcp, parseRtpPacket } from '../rtp/packet.ts';
import { type AdtsParams, adtsParamsFromAsc, toAdts } from './adts.ts';
import { WebRtcBridgeError } from './errors.ts';

export interface AacToOpusOptions {
  /** The stream's AudioSpecificConfig; ADTS headers are built from it. */
  readonly asc: Uint8Array;
  /** Each Opus RTP packet ffmpeg sends, with its payload and ffmpeg's own header fields. */
  readonly onPacket: (packet: OpusRtpOut) => void;
  /** ffmpeg failed or exited on its own (not after stop()). */
  readonly onError: (error: WebRtcBridgeError) => void;
  readonly bitrateKbps?: number;
  readonly ffmpegPath?: string;
}

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
  #socket: Socket | null = null;
  #command: ffmpeg.FfmpegCommand | null = null;
  #process: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #firstTs: number | null = null;
  #lastTs = 0;
  #relative = 0;
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
    await t.#bind();
    t.#spawn();
    return t;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get latency(): TranscodeLatency {
    return { firstPacketMs: this.#firstPacketMs, perPacketMs: this.#latencies };
  }

  /** Writes one raw AAC frame (no ADTS header). */
  write(frame: Uint8Array): void {
    if (this.#stopping) return;
    this.#writeTimes.push(performance.now());
    if (this.#writeTimes.length > 4096) {
      this.#writeTimes.splice(0, 2048);
      this.#writeBase += 2048;
    }
    this.#input.write(toAdts(this.#adts, frame));
  }

  /** Kills ffmpeg and closes the socket; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#exited;
    this.#stopping = true;
    this.#input.end();
    this.#command?.kill('SIGKILL');
    this.#socket?.close();
    this.#socket = null;
    return this.#exited;
  }

  async #bind(): Promise<void> {
    const socket = createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== '127.0.0.1' || isRtcp(msg)) return;
      this.#onDatagram(msg);
    });
    socket.on('error', (error) => this.#fail(`UDP socket: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
  }

  #spawn(): void {
    const port = this.#socket?.address().port;
    if (port === undefined) throw new WebRtcBridgeError('TRANSCODER_FAILED', 'UDP socket is not bound');
    const command = ffmpeg()
      .input(this.#input)
      .inputFormat('aac')
      // Start encoding from the first frame: no probing beyond what the ADTS header says.
      .inputOptions(['-hide_banner', '-loglevel', 'error', '-probesize', '32', '-analyzeduration', '0'])
      .inputOptions(['-fflags', 'nobuffer'])
      .noVideo()
      .audioCodec('libopus')
      .audioBitrate(`${this.#options.bitrateKbps ?? 96}k`)
      .outputOptions(['-application', 'lowdelay', '-frame_duration', '20', '-ar', '48000'])
      .outputOptions(['-flush_packets', '1', '-payload_type', '111'])
      .format('rtp')
      // RTCP to the same port, where isRtcp() drops it, so ffmpeg never sends to a port nobody owns.
      .output(`rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`);
    if (this.#options.ffmpegPath) command.setFfmpegPath(this.#options.ffmpegPath);
    let exit: () => void = () => {};
    this.#exited = new Promise<void>((resolve) => {
      exit = resolve;
    });
    command.on('start', () => {
      const proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc ?? null;
      this.#process = proc;
      if (!proc || proc.exitCode !== null) exit();
      else proc.once('exit', () => exit());
    });
    command.on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
      exit();
      if (!this.#stopping) this.#fail(`${error.message} ${stderr ?? ''}`.trim());
    });
    command.on('end', () => {
      exit();
      if (!this.#stopping) this.#fail('ffmpeg exited while audio was still wanted');
    });
    this.#command = command;
    command.run();
  }

  #fail(message: string): void {
    this.#options.onError(new WebRtcBridgeError('TRANSCODER_FAILED', `AAC→Opus transcoder: ${message}`));
  }

  #onDatagram(msg: Buffer): void {
    let packet: ReturnType<typeof parseRtpPacket>;
    try {
      packet = parseRtpPacket(msg);
    } catch {
      return; // only ffmpeg writes to this port; a stray datagram is not ours to report
    }
    const now = performance.now();
    const ts = packet.header.timestamp;
    if (this.#firstTs === null) {
      this.#firstTs = ts;
      this.#lastTs = ts;
      this.#firstPacketMs = now - (this.#writeTimes[0] ?? now);
    } else {
      this.#relative += (ts - this.#lastTs) | 0;
      this.#lastTs = ts;
    }
    this.#measure(now, this.#relative);
    this.#options.onPacket({ payload: packet.payload, relativeTicks: this.#relative, receivedAtMs: now });
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
