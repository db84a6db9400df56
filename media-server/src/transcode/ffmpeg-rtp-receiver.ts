import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type ffmpeg from 'fluent-ffmpeg';
import { isRtcp, parseRtpPacket } from '../protocols/rtp/packet.ts';

/** One RTP packet an ffmpeg child sent, with its timestamp made relative to the run's first packet. */
export interface FfmpegRtpPacket {
  readonly payload: Uint8Array;
  readonly marker: boolean;
  readonly relativeTicks: number;
  readonly receivedAtMs: number;
}

export interface FfmpegRtpOptions {
  readonly onPacket: (packet: FfmpegRtpPacket) => void;
  /** ffmpeg failed, or exited on its own (not after stop()). */
  readonly onFail: (message: string) => void;
}

/**
 * The receiving end of an ffmpeg that writes RTP: a UDP socket on 127.0.0.1 (bound before ffmpeg starts) and the
 * child's lifecycle. A transcoder builds its command for `url` and hands it to `run`.
 */
export class FfmpegRtpReceiver {
  readonly #options: FfmpegRtpOptions;
  #socket: Socket | null = null;
  #command: ffmpeg.FfmpegCommand | null = null;
  #process: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #lastTs: number | null = null;
  #relative = 0;

  private constructor(options: FfmpegRtpOptions) {
    this.#options = options;
  }

  static async bind(options: FfmpegRtpOptions): Promise<FfmpegRtpReceiver> {
    const receiver = new FfmpegRtpReceiver(options);
    const socket = createSocket('udp4');
    receiver.#socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address === '127.0.0.1' && !isRtcp(msg)) receiver.#onDatagram(msg);
    });
    socket.on('error', (error) => receiver.#fail(`UDP socket: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return receiver;
  }

  /** Where ffmpeg should send; RTCP goes to the same port, where it is dropped, never to a port nobody owns. */
  get url(): string {
    const port = this.#socket?.address().port ?? 0;
    return `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  run(command: ffmpeg.FfmpegCommand, what: string): void {
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
      this.#fail(`${error.message} ${stderr ?? ''}`.trim());
    });
    command.on('end', () => {
      exit();
      this.#fail(`ffmpeg exited while ${what} was still wanted`);
    });
    this.#command = command;
    command.run();
  }

  /** Kills ffmpeg and closes the socket; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#exited;
    this.#stopping = true;
    this.#command?.kill('SIGKILL');
    this.#socket?.close();
    this.#socket = null;
    return this.#exited;
  }

  #fail(message: string): void {
    if (!this.#stopping) this.#options.onFail(message);
  }

  #onDatagram(msg: Buffer): void {
    let packet: ReturnType<typeof parseRtpPacket>;
    try {
      packet = parseRtpPacket(msg);
    } catch {
      return; // only ffmpeg writes to this port; a stray datagram is not ours to report
    }
    const ts = packet.header.timestamp;
    if (this.#lastTs !== null) this.#relative += (ts - this.#lastTs) | 0;
    this.#lastTs = ts;
    this.#options.onPacket({
      payload: packet.payload,
      marker: packet.header.marker,
      relativeTicks: this.#relative,
      receivedAtMs: performance.now(),
    });
  }
}
