import { type KeyframeRequest, LivePackager, LlhlsHttp, type SegmentSink } from '@glint/llhls-packager';
import { Listeners, type Logger } from '@glint/media-core';
import type { LiveStream } from '../stream/live-stream.ts';
import type { StreamEndReason, StreamEvent, StreamReader } from '../stream/types.ts';
import type { ChannelLadder, LadderRung } from '../transcode/ladder/types.ts';

export interface LlhlsOutputOptions {
  readonly partTargetMs: number;
  readonly segmentTargetMs: number;
  /** A publisher back within this long continues the playlist after EXT-X-DISCONTINUITY; later, a fresh stream. */
  readonly reconnectGraceMs: number;
  /**
   * After EXT-X-ENDLIST the ended playlist stays served this long (players finish and stop), then the channel's
   * output is freed (memory, sweep timer) and its URLs answer 404.
   */
  readonly endedRetentionMs?: number;
  /** A multivariant playlist request waits this long for a stream whose tracks are not all known yet. */
  readonly startWaitMs?: number;
  /** The longest video segment without a keyframe before it is cut anyway; default 4 segment targets. */
  readonly maxSegmentMs?: number;
  /** Where the channel's completed segments go (the VOD archive); none by default. */
  readonly sinkFor?: (channelId: string) => SegmentSink | undefined;
  /** The packager's problems (a failing sink, a throwing listener) are logged here, per channel. */
  readonly logger?: Logger & { child(bindings: Record<string, unknown>): Logger };
  readonly onError: (error: unknown, channelId: string) => void;
  /** Hears of every part a channel produces (metrics). */
  readonly onPart?: (channelId: string) => void;
  /**
   * The channel's video has gone without a keyframe for two segment targets (and again as long while none comes):
   * forward it to the source if it can make one (an encoder request, a PLI), or report the misconfigured encoder.
   */
  readonly onKeyframeRequest?: (channelId: string, request: ChannelKeyframeRequest) => void;
}

export interface ChannelKeyframeRequest extends KeyframeRequest {
  /** The broadcast's first request: report a misconfigured encoder once, not every few seconds. */
  readonly firstInBroadcast: boolean;
}

/** The defaults of LlhlsOutputOptions (config.ts exposes each as a setting). */
export const LLHLS_OUTPUT_DEFAULTS = {
  endedRetentionMs: 30_000,
  /** An encoder's first keyframe and track configs arrive within a second or two of publishing. */
  startWaitMs: 3000,
} as const;

/** One channel's LL-HLS output: a packager and its HTTP face, kept across a quick reconnect. */
export class ChannelOutput implements StreamReader {
  readonly channelId: string;
  readonly packager: LivePackager;
  readonly http: LlhlsHttp;
  readonly #graceMs: number;
  readonly #retentionMs: number;
  readonly #onError: (error: unknown, channelId: string) => void;
  readonly #onRetired: (output: ChannelOutput) => void;
  #graceTimer: NodeJS.Timeout | null = null;
  #retireTimer: NodeJS.Timeout | null = null;
  #live = false;

  /** `onRetired`: the ended output's retention is over; its owner drops and closes it. */
  constructor(channelId: string, options: LlhlsOutputOptions, onRetired: (output: ChannelOutput) => void = () => {}) {
    this.channelId = channelId;
    this.#graceMs = options.reconnectGraceMs;
    this.#retentionMs = options.endedRetentionMs ?? LLHLS_OUTPUT_DEFAULTS.endedRetentionMs;
    this.#onError = options.onError;
    this.#onRetired = onRetired;
    const sink = options.sinkFor?.(channelId);
    this.packager = new LivePackager({
      partTargetMs: options.partTargetMs,
      segmentTargetMs: options.segmentTargetMs,
      ...(options.maxSegmentMs !== undefined ? { maxSegmentMs: options.maxSegmentMs } : {}),
      ...(sink ? { sink } : {}),
      ...(options.logger ? { logger: options.logger.child({ channelId }) } : {}),
    });
    this.http = new LlhlsHttp(this.packager, {
      startWaitMs: options.startWaitMs ?? LLHLS_OUTPUT_DEFAULTS.startWaitMs,
    });
    const onKeyframeRequest = options.onKeyframeRequest;
    if (onKeyframeRequest) {
      let requests = 0;
      this.packager.onKeyframeNeeded((request) =>
        onKeyframeRequest(channelId, { ...request, firstInBroadcast: requests++ === 0 }),
      );
    }
    const onPart = options.onPart;
    if (onPart) {
      let lastParts = 0;
      this.packager.onChange(() => {
        const parts = this.packager.renditions.reduce((n, r) => n + r.nextPartId, 0);
        for (; lastParts < parts; lastParts++) onPart(channelId);
      });
    }
  }

  get live(): boolean {
    return this.#live;
  }

  /** The folder of this broadcast's media URIs (a new one per broadcast; kept across a quick reconnect). */
  get broadcastId(): string {
    return this.packager.broadcastId;
  }

  get ended(): boolean {
    return this.packager.ended;
  }

  /** In the grace period after a publisher left: a reconnect continues this output. */
  get waitingForReconnect(): boolean {
    return this.#graceTimer !== null;
  }

  attach(stream: LiveStream): void {
    if (this.#graceTimer) {
      clearTimeout(this.#graceTimer);
      this.#graceTimer = null;
      this.packager.discontinuity();
    }
    this.#live = true;
    stream.attach(this);
  }

  /**
   * The channel's transcoding ladder: each rung becomes a variant beside the source's (see LivePackager's rungs). A
   * rung whose stream ends pauses (its transcoder restarts: it comes back at a source boundary, gaps between); one
   * that does not come back with the ladder's next rungs was shed and leaves the multivariant playlist.
   */
  attachLadder(ladder: ChannelLadder): void {
    const attach = (rung: LadderRung) => {
      const current = new Set(ladder.rungs().map((r) => r.name));
      for (const name of this.packager.rungNames) if (!current.has(name)) this.packager.removeRung(name);
      rung.stream.attach({
        onEvent: (event) => {
          try {
            if (event.kind === 'video-config') this.packager.setVideoConfig(event.config, rung.name);
            else if (event.kind === 'video') this.packager.pushVideo(event.au, rung.name);
          } catch (error) {
            this.#onError(error, this.channelId);
          }
        },
        onEnd: () => this.packager.pauseRung(rung.name),
      });
    };
    for (const rung of ladder.rungs()) attach(rung);
    ladder.onRung(attach);
    this.packager.expectRungs(() => ladder.planned());
  }

  /** A bad access unit or config (e.g. a corrupt SPS) is reported and skipped; the channel keeps its output. */
  onEvent(event: StreamEvent): void {
    try {
      this.#apply(event);
    } catch (error) {
      this.#onError(error, this.channelId);
    }
  }

  #apply(event: StreamEvent): void {
    switch (event.kind) {
      case 'tracks':
        // The multivariant playlist need not wait for a track the publisher said it will not send.
        this.packager.expectTracks(event.tracks);
        break;
      case 'video-config':
        this.packager.setVideoConfig(event.config);
        break;
      case 'audio-config':
        this.packager.setAudioConfig(event.config);
        break;
      case 'video':
        this.packager.pushVideo(event.au);
        break;
      case 'audio':
        this.packager.pushAudio(event.frame);
        break;
    }
  }

  onEnd(_reason: StreamEndReason): void {
    this.#live = false;
    this.#graceTimer = setTimeout(() => this.end(), this.#graceMs);
    this.#graceTimer.unref();
  }

  /** ENDLIST now; the output keeps serving its last window for the retention time (or until replaced). */
  end(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    this.#live = false;
    this.packager.end();
    if (this.#retireTimer || this.http.closed) return;
    this.#retireTimer = setTimeout(() => {
      this.#retireTimer = null;
      this.#onRetired(this);
    }, this.#retentionMs);
    this.#retireTimer.unref();
  }

  close(): void {
    this.end();
    if (this.#retireTimer) clearTimeout(this.#retireTimer);
    this.#retireTimer = null;
    this.http.close();
  }
}

/** Every channel's LL-HLS output, created as streams start. */
export class LlhlsOutputs {
  readonly #outputs = new Map<string, ChannelOutput>();
  readonly #options: LlhlsOutputOptions;
  readonly #changes = new Listeners<[ChannelOutput, 'opened' | 'closed']>('llhls outputs');

  constructor(options: LlhlsOutputOptions) {
    this.#options = options;
  }

  get(channelId: string): ChannelOutput | undefined {
    return this.#outputs.get(channelId);
  }

  get all(): ChannelOutput[] {
    return [...this.#outputs.values()];
  }

  get blockedRequests(): number {
    return this.all.reduce((n, o) => n + o.http.blockedCount, 0);
  }

  /** Hears of every output opened (a fresh broadcast) and closed (replaced, retired, or the server stopping). */
  onChange(listener: (output: ChannelOutput, change: 'opened' | 'closed') => void): () => void {
    return this.#changes.add(listener);
  }

  /** A stream started: continue the channel's output if it is in its grace period, else start a fresh one. */
  onStreamStart(stream: LiveStream): void {
    let output = this.#outputs.get(stream.channelId);
    if (!output?.waitingForReconnect) {
      if (output) this.#close(output);
      output = new ChannelOutput(stream.channelId, this.#options, (retired) => this.#retire(retired));
      this.#outputs.set(stream.channelId, output);
      this.#changes.emit(output, 'opened');
    }
    output.attach(stream);
  }

  /** An ended output whose retention is over: its channel's URLs answer 404 from now on. */
  #retire(output: ChannelOutput): void {
    if (this.#outputs.get(output.channelId) === output) this.#outputs.delete(output.channelId);
    this.#close(output);
  }

  #close(output: ChannelOutput): void {
    output.close();
    this.#changes.emit(output, 'closed');
  }

  close(): void {
    for (const output of this.#outputs.values()) this.#close(output);
    this.#outputs.clear();
  }
}
