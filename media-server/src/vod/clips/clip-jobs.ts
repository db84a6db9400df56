import { isGlintError, type Logger } from '@glint/media-core';
import type { ClipRecord, VodIndex } from '@glint/platform';
import type { MediaStore } from '../storage/types.ts';
import { type ClipMaker, clipThumbnailKey, clipVideoKey } from './clip-maker.ts';

export interface ClipJobsOptions {
  readonly maker: ClipMaker;
  readonly index: VodIndex;
  readonly store: MediaStore;
  readonly logger: Logger;
  /** Clips waiting or being made at once, over everyone. */
  readonly maxQueued: number;
  readonly nowMs?: () => number;
}

/**
 * Clips are made in the background, one ffmpeg job at a time, from a bounded queue; each clip's status in the index
 * goes queued → making → ready or failed (with the reason). A clip deleted while being made has its files removed
 * when the job ends.
 */
export class ClipJobs {
  readonly #options: ClipJobsOptions;
  readonly #queue: string[] = [];
  #making: string | null = null;
  #running: Promise<void> | null = null;
  #closed = false;
  readonly #nowMs: () => number;
  /** Clips asked for before this moment and still queued/making in the index were left by an earlier process. */
  readonly startedAtMs: number;

  constructor(options: ClipJobsOptions) {
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.startedAtMs = this.#nowMs();
  }

  /** Queued and in-making clips. */
  get pending(): number {
    return this.#queue.length + (this.#making === null ? 0 : 1);
  }

  get full(): boolean {
    return this.pending >= this.#options.maxQueued;
  }

  has(id: string): boolean {
    return this.#making === id || this.#queue.includes(id);
  }

  /** Queues a clip already recorded as `queued`; false when the queue is full or closed. */
  enqueue(id: string): boolean {
    if (this.#closed || this.full) return false;
    this.#queue.push(id);
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
    return true;
  }

  /**
   * A clip the index says is queued or making, which no job of this process holds: a killed process left it. It is
   * queued again when there is room, else failed with a reason the viewer can act on. Returns the record as it is now.
   */
  async recover(clip: ClipRecord): Promise<ClipRecord> {
    if ((clip.status !== 'queued' && clip.status !== 'making') || this.has(clip.id)) return clip;
    if (clip.createdAt >= this.startedAtMs) return clip;
    const { index, logger } = this.#options;
    if (this.enqueue(clip.id)) {
      if (clip.status === 'making') await index.updateClip(clip.id, { status: 'queued' });
      logger.info({ clipId: clip.id }, 'clip left unfinished by an earlier process queued again');
      return { ...clip, status: 'queued' };
    }
    const error = 'the server restarted while this clip was waiting; ask for it again';
    await index.updateClip(clip.id, { status: 'failed', error });
    logger.warn({ clipId: clip.id }, 'clip left unfinished by an earlier process failed: the queue is full');
    return { ...clip, status: 'failed', error };
  }

  /** Takes no more clips and waits for the one being made; queued ones stay `queued` for the next process. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    await this.#running;
  }

  async #drain(): Promise<void> {
    for (let id = this.#queue.shift(); id !== undefined && !this.#closed; id = this.#queue.shift()) {
      this.#making = id;
      try {
        await this.#makeOne(id);
      } catch (error) {
        this.#options.logger.error({ err: error, clipId: id }, 'clip job failed outside ffmpeg');
      } finally {
        this.#making = null;
      }
    }
  }

  async #makeOne(id: string): Promise<void> {
    const { index, maker, store, logger } = this.#options;
    const clip = await index.clip(id);
    if (!clip) return;
    await index.updateClip(id, { status: 'making' });
    const t0 = performance.now();
    try {
      const made = await maker.make({
        clipId: id,
        broadcastId: clip.broadcastId,
        startUs: clip.startUs,
        durationUs: clip.durationUs,
      });
      if (!(await index.clip(id))) {
        await store.delete([made.videoKey, made.thumbnailKey]);
        logger.info({ clipId: id }, 'clip deleted while it was being made; its files are removed');
        return;
      }
      await index.updateClip(id, {
        status: 'ready',
        error: null,
        videoKey: made.videoKey,
        thumbnailKey: made.thumbnailKey,
        bytes: made.bytes,
        readyAt: this.#nowMs(),
      });
      const ms = Math.round(performance.now() - t0);
      logger.info({ clipId: id, ms, frames: made.plan.frames, steps: made.stepsMs, bytes: made.bytes }, 'clip made');
    } catch (error) {
      // What the viewer reads: the range's problem as such, never ffmpeg's words (they name work files).
      const reason =
        isGlintError(error) && error.code !== 'CLIP_ENCODE_FAILED'
          ? error.message
          : 'the clip could not be made from the archived video; try again or pick another range';
      logger.warn({ clipId: id, err: error }, 'clip failed');
      await store.delete([clipVideoKey(id), clipThumbnailKey(id)]);
      if (await index.clip(id)) await index.updateClip(id, { status: 'failed', error: reason.slice(0, 500) });
    }
  }
}
