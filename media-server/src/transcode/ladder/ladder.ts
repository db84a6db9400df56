import { codec, type H264Config, Listeners, type Logger, silentLogger, type VideoAccessUnit } from '@glint/media-core';
import { LiveStream, type ReaderErrorSink } from '../../stream/live-stream.ts';
import type { StreamEndReason } from '../../stream/types.ts';
import type { LadderError } from './errors.ts';
import { LadderLoad, type LadderLoadOptions } from './ladder-load.ts';
import { LadderRun } from './ladder-run.ts';
import { type PlannedRung, planLadder } from './ladder-spec.ts';
import { sameConfig } from './rung-access-units.ts';
import type { ChannelLadder, LadderRung, RungSpec } from './types.ts';

export interface LadderBackoff {
  /** First restart delay; doubles per failure. Default 250 ms. */
  readonly initialMs: number;
  /** Longest restart delay. Default 8 s. */
  readonly maxMs: number;
  /** A run that lasted this long resets the delay. Default 60 s. */
  readonly stableMs: number;
}

export const LADDER_BACKOFF: LadderBackoff = { initialMs: 250, maxMs: 8000, stableMs: 60_000 };

export interface LadderOptions {
  /** The channel's source; its video is read, its audio ignored. */
  readonly source: LiveStream;
  /** The configured rungs (GLINT_LADDER); those not below the source's height are skipped. */
  readonly spec: readonly RungSpec[];
  readonly logger?: Logger;
  readonly ffmpegPath?: string;
  /** Wall clock, ms (lag, backoff). Default performance.now. */
  readonly now?: () => number;
  readonly backoff?: Partial<LadderBackoff>;
  readonly overload?: Partial<LadderLoadOptions>;
  /** Where the rung streams report a reader that throws. Default: the logger. */
  readonly onReaderError?: ReaderErrorSink;
}

/** Counters for metrics. */
export interface LadderStats {
  /** ffmpeg runs started after a failure. */
  readonly restarts: number;
  /** Rungs given up for overload, in total. */
  readonly shedRungs: number;
  /** Rungs dropped for unusable output (until the next run). */
  readonly failedRungs: number;
  /** Source media written minus the slowest rung's output, ms (0 with no run). */
  readonly lagMs: number;
  /** Wall time from a source frame written to its rung frame read back, ms (last frame). */
  readonly latencyMs: number;
  /** Rung media made per wall second over the last few seconds (1 is real time; 0 with no run). */
  readonly realtimeFactor: number;
  readonly rungs: number;
  /** The running ffmpeg's process id. */
  readonly pid: number | undefined;
}

type State = 'waiting-config' | 'waiting-keyframe' | 'running' | 'backoff' | 'idle' | 'closed';

/**
 * One live channel's transcoding ladder: one ffmpeg makes every rung from the source's video (see LadderRun); each
 * rung is a video-only LiveStream on the source's clock. ffmpeg dying ends the rungs and restarts (backoff) at the
 * next source keyframe; an ffmpeg that cannot keep up sheds its top rung. Ends with the source, or on close().
 */
export class Ladder implements ChannelLadder {
  readonly channelId: string;
  readonly #options: LadderOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #backoff: LadderBackoff;
  readonly #listeners: Listeners<[LadderRung]>;
  readonly #detach: (() => void) | undefined;
  readonly #load: LadderLoad;
  #state: State = 'waiting-config';
  #config: H264Config | null = null;
  #plan: PlannedRung[] = [];
  #shed = 0;
  #run: LadderRun | null = null;
  #runStartedMs = 0;
  #rungs: LadderRung[] = [];
  #failures = 0;
  #timer: NodeJS.Timeout | null = null;
  #restarts = 0;
  #shedRungs = 0;
  #failedRungs = 0;
  #latencyMs = 0;

  constructor(options: LadderOptions) {
    this.#options = options;
    this.channelId = options.source.channelId;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? (() => performance.now());
    this.#backoff = { ...LADDER_BACKOFF, ...options.backoff };
    this.#listeners = new Listeners('ladder', this.#logger);
    this.#load = new LadderLoad(options.overload ?? {});
    this.#detach = options.source.attach({
      onEvent: (event) => {
        if (event.kind === 'video-config') this.#onConfig(event.config);
        else if (event.kind === 'video') this.#onVideo(event.au);
      },
      onEnd: (reason) => void this.#close(reason),
    });
  }

  rungs(): readonly LadderRung[] {
    return this.#rungs;
  }

  planned(): readonly string[] {
    return this.#state === 'closed' ? [] : this.#activePlan().map((r) => r.name);
  }

  onRung(listener: (rung: LadderRung) => void): () => void {
    return this.#listeners.add(listener);
  }

  get stats(): LadderStats {
    const run = this.#run;
    return {
      restarts: this.#restarts,
      shedRungs: this.#shedRungs,
      failedRungs: this.#failedRungs,
      lagMs: run ? Math.max(0, run.writtenMs - run.outputMs) : 0,
      latencyMs: this.#latencyMs,
      realtimeFactor: run ? this.#load.realtimeFactor : 0,
      rungs: this.#rungs.length,
      pid: run?.pid,
    };
  }

  /** Stops ffmpeg (SIGKILL, awaited) and ends the rungs; the source goes on. */
  close(): Promise<void> {
    return this.#close('closed');
  }

  async #close(reason: StreamEndReason): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#detach?.(); // unset when the source had ended before the ladder attached
    if (this.#timer) clearTimeout(this.#timer);
    this.#listeners.clear();
    await this.#stopRun(reason);
  }

  #onConfig(config: H264Config): void {
    if (this.#state === 'closed') return;
    const sps = config.sps[0];
    if (!sps) return;
    let info: codec.SpsInfo;
    try {
      info = codec.parseSps(sps);
    } catch (error) {
      this.#logger.warn({ err: error, channelId: this.channelId }, 'ladder: source SPS unreadable, no rungs');
      return;
    }
    const previous = this.#config;
    if (previous && sameConfig(previous, config)) return; // a republish with the same encoder settings
    this.#config = config;
    this.#plan = planLadder(this.#options.spec, { width: info.width, height: info.height, fps: info.frameRate });
    if (previous && this.#state !== 'waiting-config') {
      // New parameter sets (a publisher's new encoder settings): the next run starts with them.
      void this.#stopRun('error');
    }
    this.#state = this.#activePlan().length > 0 ? 'waiting-keyframe' : 'idle';
    if (this.#state === 'idle') {
      this.#logger.info({ channelId: this.channelId, height: info.height }, 'ladder: no rung below the source');
    }
  }

  #activePlan(): PlannedRung[] {
    return this.#plan.slice(this.#shed);
  }

  #onVideo(au: VideoAccessUnit): void {
    if (this.#state === 'waiting-keyframe' && au.keyframe && this.#config) this.#start(au);
    if (this.#state !== 'running' || !this.#run) return;
    this.#run.write(au);
    const shed = this.#load.sample(this.#now(), this.#run.writtenMs, this.#run.outputMs);
    if (shed) this.#shedTop();
  }

  #start(first: VideoAccessUnit): void {
    const plan = this.#activePlan();
    const source = this.#options.source;
    const streams = plan.map(() => new LiveStream(source.channelId, 'pipe', Date.now(), this.#readerError));
    const run = new LadderRun({
      plan,
      config: this.#config!,
      origin90k: first.dts90k,
      now: this.#now,
      ffmpegPath: this.#options.ffmpegPath,
      onFrame: (index, frame, latencyMs) => {
        if (this.#run !== run) return;
        this.#latencyMs = latencyMs;
        const stream = streams[index]!;
        if (frame.config) stream.push({ kind: 'video-config', config: frame.config });
        stream.push({ kind: 'video', au: frame.au });
      },
      onRungError: (index, error) => {
        if (this.#run !== run) return;
        this.#failedRungs++;
        this.#logger.warn({ err: error, channelId: this.channelId, rung: plan[index]?.name }, 'ladder: rung dropped');
        const stream = streams[index]!;
        this.#rungs = this.#rungs.filter((r) => r.stream !== stream);
        stream.end('error');
      },
      onFail: (error) => {
        if (this.#run === run) this.#onRunFailed(error);
      },
    });
    this.#run = run;
    this.#runStartedMs = this.#now();
    this.#load.reset(this.#runStartedMs);
    this.#state = 'running';
    this.#rungs = plan.map((r, i) => ({
      name: r.name,
      width: r.width,
      height: r.height,
      fps: r.reduceFps ? r.fps : Math.min(r.fps, this.#sourceFps() ?? r.fps),
      bitrateKbps: r.bitrateKbps,
      stream: streams[i]!,
    }));
    for (const stream of streams) stream.push({ kind: 'tracks', tracks: { video: true, audio: false } });
    this.#logger.info(
      { channelId: this.channelId, rungs: plan.map((r) => `${r.width}x${r.height}@${r.bitrateKbps}k`) },
      'ladder: ffmpeg started',
    );
    // Every rung is listed before any listener hears of one: a listener may compare with rungs().
    for (const rung of this.#rungs) this.#listeners.emit(rung);
  }

  #sourceFps(): number | undefined {
    const sps = this.#config?.sps[0];
    try {
      return sps ? codec.parseSps(sps).frameRate : undefined;
    } catch {
      return undefined;
    }
  }

  #readerError: ReaderErrorSink = (error, channelId) => {
    if (this.#options.onReaderError) this.#options.onReaderError(error, channelId);
    else this.#logger.error({ err: error, channelId }, 'ladder: rung reader failed');
  };

  #onRunFailed(error: LadderError): void {
    const lived = this.#now() - this.#runStartedMs;
    if (lived >= this.#backoff.stableMs) this.#failures = 0;
    this.#failures++;
    const delayMs = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** (this.#failures - 1));
    this.#logger.warn({ err: error, channelId: this.channelId, delayMs }, 'ladder: ffmpeg failed, restarting');
    void this.#stopRun('error');
    this.#state = 'backoff';
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#state !== 'backoff') return;
      this.#restarts++;
      this.#state = this.#activePlan().length > 0 ? 'waiting-keyframe' : 'idle';
    }, delayMs);
  }

  #shedTop(): void {
    const top = this.#activePlan()[0];
    if (!top) return;
    this.#shed++;
    this.#shedRungs++;
    const left = this.#activePlan();
    this.#logger.warn(
      { channelId: this.channelId, rung: top.name, lagMs: this.stats.lagMs, left: left.map((r) => r.name) },
      'ladder: ffmpeg cannot keep up, shedding the top rung',
    );
    void this.#stopRun('error');
    this.#state = left.length > 0 ? 'waiting-keyframe' : 'idle';
  }

  async #stopRun(reason: StreamEndReason): Promise<void> {
    const run = this.#run;
    const rungs = this.#rungs;
    this.#run = null;
    this.#rungs = [];
    for (const rung of rungs) rung.stream.end(reason);
    await run?.stop();
  }
}
