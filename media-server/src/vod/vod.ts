import type { MultivariantModel, SegmentSink } from '@glint/llhls-packager';
import type { Logger } from '@glint/media-core';
import type { VodIndex } from '@glint/platform';
import type { MediaStore } from './storage/types.ts';

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
}

/** Archive health for logs, metrics and the dashboard. */
export interface ArchiveStats {
  readonly queuedBytes: number;
  readonly writtenSegments: number;
  readonly writtenBytes: number;
  /** Segments not archived (queue full, write failed). */
  readonly skippedSegments: number;
  readonly failedWrites: number;
  /** The last write error (e.g. `ENOSPC: no space left on device`) and when, or null. */
  readonly lastError: { readonly message: string; readonly atMs: number } | null;
}

/**
 * Broadcast archival: the LL-HLS packager's completed segments go to a media store off the hot path, indexed in the
 * platform database. (Skeleton: the archive issue's work fills it in.)
 */
export class Vod {
  readonly store: MediaStore;
  readonly index: VodIndex;
  readonly #options: VodOptions;

  constructor(options: VodOptions) {
    this.#options = options;
    this.index = options.index;
    this.store = undefined as unknown as MediaStore;
  }

  /** The segment sink of one channel's packager. */
  sinkFor(_channelId: string): SegmentSink | undefined {
    return undefined;
  }

  get stats(): ArchiveStats {
    return {
      queuedBytes: 0,
      writtenSegments: 0,
      writtenBytes: 0,
      skippedSegments: 0,
      failedWrites: 0,
      lastError: null,
    };
  }

  /** Verifies what a killed process left, starts retention. */
  async start(): Promise<void> {
    void this.#options;
  }

  /** Waits for queued writes, stops timers. */
  async close(): Promise<void> {}
}
