import type { Logger } from '@glint/media-core';

export interface RetentionOptions {
  /** VODs of broadcasts that ended longer ago than this are deleted; 0 keeps them. */
  readonly retentionMs: number;
  /** Ended broadcasts' VODs that ended before a time, oldest first, at most `limit` (VodIndex.expired). */
  readonly expired: (endedBeforeMs: number, limit: number) => Promise<string[]>;
  readonly deleteVod: (broadcastId: string) => Promise<void>;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** Default hourly. */
  readonly intervalMs?: number;
  /** VODs per batch and batches per run: a run after a long downtime does not hold the disk for minutes. */
  readonly batch?: number;
  readonly maxBatches?: number;
}

/** Deletes expired VODs at start and then every interval, in bounded batches, one run at a time. */
export class Retention {
  readonly #options: RetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: RetentionOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#options.retentionMs <= 0 || this.#timer) return;
    void this.run();
    this.#timer = setInterval(() => void this.run(), this.#options.intervalMs ?? 3_600_000);
    this.#timer.unref();
  }

  /** One run (or the one under way): how many VODs it deleted. */
  run(): Promise<number> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #run(): Promise<number> {
    const { retentionMs, expired, deleteVod, logger, nowMs } = this.#options;
    if (retentionMs <= 0) return 0;
    const batch = this.#options.batch ?? 50;
    const endedBeforeMs = nowMs() - retentionMs;
    let deleted = 0;
    try {
      for (let i = 0; i < (this.#options.maxBatches ?? 20); i++) {
        const ids = await expired(endedBeforeMs, batch);
        for (const id of ids) {
          await deleteVod(id);
          deleted += 1;
        }
        if (ids.length < batch) break;
      }
    } catch (error) {
      logger.error({ err: error, deleted }, 'VOD retention run failed; it runs again later');
    }
    if (deleted > 0) logger.info({ deleted, retentionMs }, 'expired VODs deleted');
    return deleted;
  }
}
