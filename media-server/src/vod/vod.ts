import { mkdir } from 'node:fs/promises';
import type { MultivariantModel, SegmentSink } from '@glint/llhls-packager';
import type { Logger } from '@glint/media-core';
import type { VodIndex } from '@glint/platform';
import type { ArchiveStats } from './archive/archive-stats.ts';
import { Archiver } from './archive/archiver.ts';
import { Retention } from './archive/retention.ts';
import { type VerifyResult, verifyBroadcast } from './archive/verify.ts';
import { LocalDiskStore } from './storage/local-disk-store.ts';
import type { MediaStore } from './storage/types.ts';

export type { ArchiveStats } from './archive/archive-stats.ts';
export type { VerifyResult } from './archive/verify.ts';

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
  /** Broadcasts a killed process left open (the platform ended them at open): verified at start. */
  readonly recovered?: () => readonly string[];
  /** Subscribes to broadcasts that end (each is verified); returns the unsubscribe. */
  readonly onEnded?: (listener: (broadcastId: string) => void) => () => void;
}

/**
 * Broadcast archival: the LL-HLS packager's completed segments go to a media store off the hot path, indexed in the
 * platform database. Ended broadcasts (and those a killed process left open) are verified in the background, one at
 * a time; retention deletes old VODs.
 */
export class Vod {
  readonly store: MediaStore;
  readonly index: VodIndex;
  readonly #options: VodOptions;
  readonly #disk: LocalDiskStore;
  readonly #archiver: Archiver;
  readonly #retention: Retention;
  /** Verifications queued or running, by broadcast; they run one after another. */
  readonly #verifications = new Map<string, Promise<VerifyResult>>();
  #verifyTail: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;
  readonly #changeListeners = new Set<(broadcastId: string) => void>();
  #closed = false;

  constructor(options: VodOptions) {
    this.#options = options;
    this.index = options.index;
    this.#disk = new LocalDiskStore(options.dataDir);
    this.store = this.#disk;
    const nowMs = options.nowMs ?? Date.now;
    this.#archiver = new Archiver({
      store: this.#disk,
      index: options.index,
      onAir: options.onAir,
      describe: options.describe,
      logger: options.logger,
      maxQueueBytes: options.maxQueueBytes,
      nowMs,
    });
    this.#retention = new Retention({
      retentionMs: options.retentionMs,
      expired: (before, limit) => options.index.expired(before, limit),
      deleteVod: (id) => this.deleteVod(id),
      logger: options.logger,
      nowMs,
    });
  }

  /** The segment sink of one channel's packager. */
  sinkFor(channelId: string): SegmentSink | undefined {
    return this.#archiver.sinkFor(channelId);
  }

  get stats(): ArchiveStats {
    return this.#archiver.stats;
  }

  /** Hears of a VOD whose archived segments changed after the fact (one found bad, the VOD deleted): caches drop it. */
  onChanged(listener: (broadcastId: string) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #changed(broadcastId: string): void {
    for (const listener of this.#changeListeners) {
      try {
        listener(broadcastId);
      } catch (error) {
        this.#options.logger.error({ err: error, broadcastId }, 'VOD change listener failed');
      }
    }
  }

  /** Resolves once every segment queued so far is written or skipped (tests, shutdown). */
  drained(): Promise<void> {
    return this.#archiver.drained();
  }

  /**
   * Checks each indexed segment of the broadcast still marked ok (size, SHA-256, its init): missing or corrupt ones
   * are marked bad. Verifications run one at a time; asking again for one queued returns the same result.
   */
  verify(broadcastId: string): Promise<VerifyResult> {
    const queued = this.#verifications.get(broadcastId);
    if (queued) return queued;
    const run = this.#verifyTail
      .catch(() => {})
      .then(() => verifyBroadcast(this.#disk, this.index, broadcastId))
      .then((result) => {
        const level = result.bad > 0 ? 'warn' : 'info';
        this.#options.logger[level]({ broadcastId, ...result }, 'archived broadcast verified');
        if (result.bad > 0) this.#changed(broadcastId);
        return result;
      })
      .finally(() => this.#verifications.delete(broadcastId));
    this.#verifications.set(broadcastId, run);
    this.#verifyTail = run;
    return run;
  }

  /** Deletes a broadcast's VOD: its index entries, its stored segments and init segments, its folder. */
  async deleteVod(broadcastId: string): Promise<void> {
    this.#archiver.forget(broadcastId);
    await this.#archiver.settled(broadcastId);
    const keys = await this.index.delete(broadcastId);
    await this.#disk.delete(keys);
    await this.#disk.deleteFolder(`vod/${broadcastId}`);
    this.#options.logger.info({ broadcastId, files: keys.length }, 'VOD deleted');
    this.#changed(broadcastId);
  }

  /** Verifies (in the background) what a killed process left, then each broadcast that ends; starts retention. */
  async start(): Promise<void> {
    await mkdir(this.#options.dataDir, { recursive: true });
    for (const id of this.#options.recovered?.() ?? []) this.#verifyInBackground(id);
    this.#unsubscribe = this.#options.onEnded?.((id) => this.#verifyInBackground(id));
    this.#retention.start();
  }

  /** Waits for queued writes and verifications, stops timers. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    await this.#retention.stop();
    await this.#archiver.drained();
    await this.#verifyTail.catch(() => {});
  }

  /** Background verifications are bounded: past this many waiting, a broadcast that ends is not verified. */
  #verifyInBackground(broadcastId: string): void {
    if (this.#closed) return;
    if (this.#verifications.size >= MAX_QUEUED_VERIFICATIONS && !this.#verifications.has(broadcastId)) {
      this.#options.logger.warn({ broadcastId }, 'too many verifications queued; this broadcast is not verified');
      return;
    }
    this.verify(broadcastId).catch((error: unknown) =>
      this.#options.logger.error({ err: error, broadcastId }, 'archived broadcast could not be verified'),
    );
  }
}

const MAX_QUEUED_VERIFICATIONS = 100;
