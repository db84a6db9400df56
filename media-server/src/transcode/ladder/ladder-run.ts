import type { ChildProcess } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { codec, type H264Config, type VideoAccessUnit } from '@glint/media-core';
import ffmpeg from 'fluent-ffmpeg';
import { TsDemuxer } from '../../protocols/mpegts/demuxer.ts';
import { LadderError } from './errors.ts';
import { ladderArgs } from './ffmpeg-args.ts';
import { avcFrame, avcSequenceHeader, flvFileHeader, flvTag } from './flv-tag-writer.ts';
import type { PlannedRung } from './ladder-spec.ts';
import { RungAccessUnits, type RungFrame } from './rung-access-units.ts';
import { SourceClock } from './source-clock.ts';

/** Input ffmpeg has not taken yet, at most: beyond it ffmpeg is hopelessly behind (about 30 s of 1080p). */
export const MAX_PENDING_INPUT_BYTES = 32 * 1024 * 1024;

export interface LadderRunOptions {
  readonly plan: readonly PlannedRung[];
  readonly config: H264Config;
  /** The DTS of the first frame the run is fed (a keyframe). */
  readonly origin90k: number;
  /** A rung's access unit; `latencyMs`: wall time from its source frame written to it read back. */
  readonly onFrame: (index: number, frame: RungFrame, latencyMs: number) => void;
  /** One rung's output was unusable (the run goes on without it). */
  readonly onRungError: (index: number, error: Error) => void;
  /** ffmpeg failed or exited; not called after stop(). */
  readonly onFail: (error: LadderError) => void;
  readonly now: () => number;
  readonly ffmpegPath?: string | undefined;
}

/**
 * One ffmpeg making all rungs of a ladder from one source: FLV in on stdin, one MPEG-TS out on stdout, each output
 * frame matched back to its source frame's timestamps. Started at a source keyframe; stopped with SIGKILL.
 */
export class LadderRun {
  readonly #options: LadderRunOptions;
  readonly #input = new PassThrough();
  readonly #clock: SourceClock;
  readonly #demuxer = new TsDemuxer({ atomicPes: true });
  readonly #pidToRung = new Map<number, number>();
  readonly #readers: RungAccessUnits[];
  readonly #outputMs: number[];
  readonly #dropped = new Set<number>();
  readonly #command: ffmpeg.FfmpegCommand;
  #process: ChildProcess | null = null;
  #exited: Promise<void>;
  #stopping = false;
  #failed = false;
  #stderr = '';

  constructor(options: LadderRunOptions) {
    this.#options = options;
    this.#clock = new SourceClock(options.origin90k);
    this.#readers = options.plan.map(() => new RungAccessUnits());
    this.#outputMs = options.plan.map(() => 0);
    const args = ladderArgs(options.plan);
    const output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.#onOutput(chunk);
        done();
      },
    });
    this.#command = ffmpeg()
      .input(this.#input)
      .inputFormat('flv')
      .inputOptions([...args.input])
      .complexFilter(args.filterComplex)
      .outputOptions([...args.output])
      .output(output);
    if (options.ffmpegPath) this.#command.setFfmpegPath(options.ffmpegPath);
    let exit: () => void = () => {};
    this.#exited = new Promise<void>((resolve) => {
      exit = resolve;
    });
    this.#command.on('start', () => {
      const proc = (this.#command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc ?? null;
      this.#process = proc;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) exit();
      else proc.once('exit', () => exit());
    });
    this.#command.on('stderr', (line: string) => {
      this.#stderr = `${this.#stderr}\n${line}`.slice(-2000);
    });
    this.#command.on('error', (error: Error) => {
      exit();
      this.#fail(`ffmpeg failed: ${error.message} ${this.#stderr}`.trim());
    });
    this.#command.on('end', () => {
      exit();
      this.#fail(`ffmpeg exited ${this.#stderr}`.trim());
    });
    this.#input.on('error', () => {}); // EPIPE after ffmpeg died: its exit is reported instead
    this.#command.run();
    this.#input.write(flvFileHeader());
    this.#input.write(flvTag(9, 0, avcSequenceHeader(options.config)));
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** Source media written, ms from the run's origin. */
  get writtenMs(): number {
    return this.#clock.writtenMs;
  }

  /** The slowest live rung's last output, ms from the run's origin (0 before any). */
  get outputMs(): number {
    let min = Number.POSITIVE_INFINITY;
    this.#outputMs.forEach((ms, i) => {
      if (!this.#dropped.has(i)) min = Math.min(min, ms);
    });
    return Number.isFinite(min) ? min : 0;
  }

  /** One source access unit, in decode order, the first a keyframe. */
  write(au: VideoAccessUnit): void {
    if (this.#stopping || this.#failed) return;
    const { dtsMs, compositionMs } = this.#clock.write(au.pts90k, au.dts90k, this.#options.now());
    const avcc = au.format === 'avcc' ? au.data : codec.toLengthPrefixed(codec.splitAnnexB(au.data));
    this.#input.write(flvTag(9, dtsMs, avcFrame(au.keyframe, compositionMs, avcc)));
    if (this.#input.writableLength > MAX_PENDING_INPUT_BYTES) {
      this.#fail(`ffmpeg has not read ${this.#input.writableLength} bytes of its input`);
    }
  }

  /** Kills ffmpeg (SIGKILL); resolves once the process is gone. */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#input.end();
      this.#command.kill('SIGKILL');
    }
    return this.#exited;
  }

  #fail(message: string): void {
    if (this.#stopping || this.#failed) return;
    this.#failed = true;
    this.#command.kill('SIGKILL');
    this.#options.onFail(new LadderError('TRANSCODER_FAILED', message));
  }

  #onOutput(chunk: Buffer): void {
    if (this.#stopping || this.#failed) return;
    let events: ReturnType<TsDemuxer['push']>;
    try {
      events = this.#demuxer.push(chunk);
    } catch (error) {
      this.#fail(`unreadable MPEG-TS from ffmpeg: ${(error as Error).message}`);
      return;
    }
    for (const event of events) {
      if (event.kind === 'streams') {
        this.#pidToRung.clear();
        event.streams.forEach((s, i) => {
          if (i < this.#options.plan.length) this.#pidToRung.set(s.pid, i);
        });
        continue;
      }
      const index = this.#pidToRung.get(event.pid);
      if (index === undefined || this.#dropped.has(index)) continue;
      if (event.kind === 'stream-error') {
        this.#dropRung(index, event.error);
        continue;
      }
      this.#onPes(index, event.pts90k, event.data);
    }
  }

  #onPes(index: number, pts33: number, data: Uint8Array): void {
    const ms = this.#clock.outputMs(pts33);
    const source = this.#clock.nearest(ms, 100);
    if (!source) {
      this.#dropRung(index, new LadderError('RUNG_FAILED', `output PTS ${ms} ms matches no source frame`));
      return;
    }
    let frame: RungFrame | null;
    try {
      frame = this.#readers[index]!.frame(data, source.pts90k);
    } catch (error) {
      this.#dropRung(index, error as Error);
      return;
    }
    this.#outputMs[index] = Math.max(this.#outputMs[index]!, source.ptsMs);
    if (frame) this.#options.onFrame(index, frame, this.#options.now() - source.writtenAtMs);
  }

  #dropRung(index: number, error: Error): void {
    this.#dropped.add(index);
    this.#options.onRungError(index, error);
    if (this.#dropped.size === this.#options.plan.length) this.#fail('every rung failed');
  }
}
