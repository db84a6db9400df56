import { GlintError, type Logger } from '@glint/media-core';
import { segmentJpeg } from './segment-jpeg.ts';

export type LiveThumbnailErrorCode = 'CHANNEL_NOT_LIVE' | 'THUMBNAIL_NOT_READY' | 'THUMBNAIL_FAILED' | 'THUMBNAIL_BUSY';

/** Why a live channel has no picture to show now; `retryAfterSec` when asking again later may help. */
export class LiveThumbnailError extends GlintError<LiveThumbnailErrorCode> {
  constructor(
    code: LiveThumbnailErrorCode,
    message: string,
    readonly retryAfterSec: number | null = null,
  ) {
    super(code, message);
    this.name = 'LiveThumbnailError';
  }
}

/** The newest complete video segment of a live channel, with the init segment it needs. */
export interface LiveSegment {
  readonly msn: number;
  readonly init: Uint8Array;
  readonly bytes: Uint8Array;
}

/** A channel's live output now: null when it is offline; `segment` null before its first complete video segment. */
export type LiveSource = (
  channel: string,
) => { readonly broadcastId: string; readonly segment: LiveSegment | null } | null;

export interface LiveThumbnail {
  readonly jpeg: Uint8Array;
  readonly madeAtMs: number;
  /** Names the broadcast and segment it was made from: the same tag is the same picture. */
  readonly etag: string;
}

export interface LiveThumbnailsOptions {
  readonly source: LiveSource;
  readonly logger: Logger;
  /** A channel's picture is made again at most this often. Default 60 s. */
  readonly refreshMs?: number;
  /** ffmpeg runs at once, every channel together. Default 2. */
  readonly maxConcurrent?: number;
  /** Channels that may wait for a run; more get THUMBNAIL_BUSY. Default 32. */
  readonly maxQueued?: number;
  /** After a failed run the channel's picture is not tried again for this long. Default 30 s. */
  readonly failureBackoffMs?: number;
  /** JPEG bytes kept; the least recently asked channels are dropped past it. Default 16 MiB. */
  readonly maxCacheBytes?: number;
  /** Channels kept (pictures and failures each). Default 2000. */
  readonly maxChannels?: number;
  readonly nowMs?: () => number;
}

export interface LiveThumbnailStats {
  /** ffmpeg runs started since the start. */
  readonly runs: number;
  readonly failures: number;
  readonly running: number;
  readonly queued: number;
  /** The most ffmpeg runs seen at once. */
  readonly peakRunning: number;
  readonly cachedChannels: number;
  readonly cacheBytes: number;
}

interface Cached extends LiveThumbnail {
  readonly broadcastId: string;
  readonly msn: number;
}

/**
 * Pictures of live channels for the browse page: a JPEG of the newest complete segment of each channel's LL-HLS
 * output, made when asked and then kept for `refreshMs`, so a channel costs at most one ffmpeg run a minute however
 * many people browse. Bounded: one run per channel at a time, `maxConcurrent` in all with `maxQueued` waiting, a
 * failure remembered for `failureBackoffMs`, and a byte-capped LRU of pictures. Offline channels get nothing made.
 */
export class LiveThumbnails {
  readonly #source: LiveSource;
  readonly #log: Logger;
  readonly #refreshMs: number;
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #failureBackoffMs: number;
  readonly #maxCacheBytes: number;
  readonly #maxChannels: number;
  readonly #nowMs: () => number;
  /** Insertion order is recency: a hit moves its channel to the end. */
  readonly #cache = new Map<string, Cached>();
  readonly #failedAt = new Map<string, number>();
  readonly #pending = new Map<string, Promise<LiveThumbnail>>();
  readonly #waiting: (() => void)[] = [];
  readonly #abort = new AbortController();
  #cacheBytes = 0;
  #running = 0;
  #runs = 0;
  #failures = 0;
  #peakRunning = 0;

  constructor(options: LiveThumbnailsOptions) {
    this.#source = options.source;
    this.#log = options.logger;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#maxConcurrent = options.maxConcurrent ?? 2;
    this.#maxQueued = options.maxQueued ?? 32;
    this.#failureBackoffMs = options.failureBackoffMs ?? 30_000;
    this.#maxCacheBytes = options.maxCacheBytes ?? 16 * 1024 * 1024;
    this.#maxChannels = options.maxChannels ?? 2000;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  get stats(): LiveThumbnailStats {
    return {
      runs: this.#runs,
      failures: this.#failures,
      running: this.#running,
      queued: this.#waiting.length,
      peakRunning: this.#peakRunning,
      cachedChannels: this.#cache.size,
      cacheBytes: this.#cacheBytes,
    };
  }

  /** Seconds a picture made at `madeAtMs` stays current (what a browser may cache it for). */
  freshForSec(thumbnail: LiveThumbnail): number {
    return Math.max(0, Math.ceil((thumbnail.madeAtMs + this.#refreshMs - this.#nowMs()) / 1000));
  }

  /** The channel's picture: the kept one while it is fresh, else one made now (or the kept one if none can be). */
  async get(channel: string): Promise<LiveThumbnail> {
    const live = this.#source(channel);
    let cached = this.#cache.get(channel);
    if (!live || (cached && cached.broadcastId !== live.broadcastId)) {
      this.#drop(channel);
      cached = undefined;
      if (!live) throw new LiveThumbnailError('CHANNEL_NOT_LIVE', `channel "${channel}" is not live`);
    }
    if (cached) {
      // Most recently asked last: the LRU drops from the front.
      this.#cache.delete(channel);
      this.#cache.set(channel, cached);
      // A fresh picture, or no newer segment to take one from (a stalled stream): nothing to make.
      if (this.#nowMs() - cached.madeAtMs < this.#refreshMs || cached.msn === live.segment?.msn) return cached;
    }
    const pending = this.#pending.get(channel);
    if (pending) return pending;
    if (!live.segment) {
      throw new LiveThumbnailError(
        'THUMBNAIL_NOT_READY',
        'the broadcast has just started; its picture comes within seconds',
        2,
      );
    }
    const failedAt = this.#failedAt.get(channel);
    if (failedAt !== undefined && this.#nowMs() - failedAt < this.#failureBackoffMs) {
      if (cached) return cached;
      const retry = Math.ceil((failedAt + this.#failureBackoffMs - this.#nowMs()) / 1000);
      throw new LiveThumbnailError('THUMBNAIL_FAILED', 'no picture could be taken from this stream', retry);
    }
    if (this.#waiting.length >= this.#maxQueued) {
      if (cached) return cached;
      throw new LiveThumbnailError('THUMBNAIL_BUSY', 'too many pictures are being made; ask again in a few seconds', 5);
    }
    const run = this.#make(channel, cached).finally(() => this.#pending.delete(channel));
    this.#pending.set(channel, run);
    return run;
  }

  /** Kills the runs in progress; waiting ones fail. */
  close(): void {
    this.#abort.abort();
    for (const wake of this.#waiting.splice(0)) {
      this.#running++; // each releases the slot it is handed
      wake();
    }
  }

  async #make(channel: string, stale: Cached | undefined): Promise<LiveThumbnail> {
    await this.#slot();
    try {
      if (this.#abort.signal.aborted) throw new LiveThumbnailError('THUMBNAIL_BUSY', 'the server is stopping', 5);
      // Read again now: waiting may have taken a while, and the channel may have ended meanwhile.
      const live = this.#source(channel);
      if (!live) throw new LiveThumbnailError('CHANNEL_NOT_LIVE', `channel "${channel}" is not live`);
      const segment = live.segment;
      if (!segment) throw new LiveThumbnailError('THUMBNAIL_NOT_READY', 'the broadcast has no picture yet', 2);
      this.#runs++;
      const jpeg = await segmentJpeg(segment.init, segment.bytes, { signal: this.#abort.signal });
      const made: Cached = {
        jpeg,
        madeAtMs: this.#nowMs(),
        etag: `"${live.broadcastId}-${segment.msn}"`,
        broadcastId: live.broadcastId,
        msn: segment.msn,
      };
      this.#failedAt.delete(channel);
      this.#keep(channel, made);
      return made;
    } catch (error) {
      if (error instanceof LiveThumbnailError) throw error;
      this.#failures++;
      this.#log.warn({ err: error, channel }, 'live thumbnail not made');
      this.#failedAt.delete(channel);
      this.#failedAt.set(channel, this.#nowMs());
      if (this.#failedAt.size > this.#maxChannels) this.#failedAt.delete(this.#failedAt.keys().next().value as string);
      if (stale) return stale;
      throw new LiveThumbnailError(
        'THUMBNAIL_FAILED',
        'no picture could be taken from this stream',
        Math.ceil(this.#failureBackoffMs / 1000),
      );
    } finally {
      this.#release();
    }
  }

  /** A run's turn: at once under the cap, else when a run ends and hands its slot over (so none can jump in). */
  async #slot(): Promise<void> {
    if (this.#running < this.#maxConcurrent) this.#running++;
    else await new Promise<void>((wake) => this.#waiting.push(wake));
    this.#peakRunning = Math.max(this.#peakRunning, this.#running);
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }

  #keep(channel: string, made: Cached): void {
    this.#drop(channel);
    this.#cache.set(channel, made);
    this.#cacheBytes += made.jpeg.byteLength;
    while (this.#cache.size > 1 && (this.#cacheBytes > this.#maxCacheBytes || this.#cache.size > this.#maxChannels)) {
      this.#drop(this.#cache.keys().next().value as string);
    }
  }

  #drop(channel: string): void {
    const cached = this.#cache.get(channel);
    if (!cached) return;
    this.#cacheBytes -= cached.jpeg.byteLength;
    this.#cache.delete(channel);
  }
}
