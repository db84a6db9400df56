import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { isRtcp, parseRtpPacket } from '../rtp/packet.ts';
import { WebRtcBridgeError } from './errors.ts';

export interface H264ReencoderOptions {
  /** Each H.264 RTP packet ffmpeg sends (RFC 6184 mode 1 payloads), with its timestamp relative to the first. */
  readonly onPacket: (packet: { payload: Uint8Array; marker: boolean; relativeTicks: number }) => void;
  readonly onError: (error: WebRtcBridgeError) => void;
  readonly bitrateKbps?: number;
  /** The source's frame rate: raw H.264 carries no timestamps, so frames are timed at this constant rate. */
  readonly fps: number;
}

/**
 * One ffmpeg re-encoding a stream's H.264 without B-frames, for WebRTC only: Chromium's WebRTC decoder shows a
 * stream with B-frames at keyframe rate (measured: 2 fps of 30). Annex B access units go to its stdin; it sends
 * RTP to a UDP port on 127.0.0.1 that this object binds. Frames are timed at the source's constant frame rate (what
 * encoders such as OBS send); arrival times were tried and gave a jittery clock and dropped the start-up burst.
 */
export class H264Reencoder {
  readonly #options: H264ReencoderOptions;
  readonly #input = new PassThrough();
  #socket: Socket | null = null;
  #command: ffmpeg.FfmpegCommand | null = null;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #firstTs: number | null = null;
  #lastTs = 0;
  #relative = 0;

  private constructor(options: H264ReencoderOptions) {
    this.#options = options;
  }

  static async start(options: H264ReencoderOptions): Promise<H264Reencoder> {
    const r = new H264Reencoder(options);
    await r.#bind();
    r.#spawn();
    return r;
  }

  /** One access unit in Annex B, parameter sets in front of keyframes. */
  write(annexB: Uint8Array): void {
    if (!this.#stopping) this.#input.write(annexB);
  }

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
      if (rinfo.address === '127.0.0.1' && !isRtcp(msg)) this.#onDatagram(msg);
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
    const kbps = this.#options.bitrateKbps ?? 2500;
    const command = ffmpeg()
      .input(this.#input)
      .inputFormat('h264')
      .inputOptions(['-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-flags', 'low_delay'])
      .inputOptions(['-probesize', '32', '-analyzeduration', '0', '-framerate', this.#options.fps.toFixed(3)])
      .noAudio()
      // Decoded frames are numbered afresh: the raw stream's reordered B-frames otherwise leave gaps and repeats.
      .videoFilters(`setpts=N/(${this.#options.fps.toFixed(3)}*TB)`)
      .videoCodec('libx264')
      .outputOptions(['-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-bf', '0'])
      // A keyframe a second: the longest a joining viewer waits.
      .outputOptions(['-g', String(Math.round(this.#options.fps)), '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`])
      .outputOptions(['-bufsize', `${kbps}k`, '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough'])
      .outputOptions(['-flush_packets', '1', '-payload_type', '102'])
      .format('rtp')
      .output(`rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`);
    let exit: () => void = () => {};
    this.#exited = new Promise<void>((resolve) => {
      exit = resolve;
    });
    command.on('start', () => {
      const proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc ?? null;
      if (!proc || proc.exitCode !== null) exit();
      else proc.once('exit', () => exit());
    });
    command.on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
      exit();
      if (!this.#stopping) this.#fail(`${error.message} ${stderr ?? ''}`.trim());
    });
    command.on('end', () => {
      exit();
      if (!this.#stopping) this.#fail('ffmpeg exited while video was still wanted');
    });
    this.#command = command;
    command.run();
  }

  #fail(message: string): void {
    this.#options.onError(new WebRtcBridgeError('TRANSCODER_FAILED', `H.264 re-encoder: ${message}`));
  }

  #onDatagram(msg: Buffer): void {
    let packet: ReturnType<typeof parseRtpPacket>;
    try {
      packet = parseRtpPacket(msg);
    } catch {
      return; // only ffmpeg writes to this port
    }
    const ts = packet.header.timestamp;
    if (this.#firstTs === null) this.#firstTs = ts;
    else this.#relative += (ts - this.#lastTs) | 0;
    this.#lastTs = ts;
    this.#options.onPacket({ payload: packet.payload, marker: packet.header.marker, relativeTicks: this.#relative });
  }
}
