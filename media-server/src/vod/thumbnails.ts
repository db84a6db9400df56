import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@glint/media-core';
import type { VodIndex } from '@glint/platform';
import { thumbnail } from './clips/ffmpeg-steps.ts';
import type { MediaStore } from './storage/types.ts';

export interface VodThumbnailsOptions {
  readonly store: MediaStore;
  readonly index: VodIndex;
  readonly logger: Logger;
  /** A recording broadcast's thumbnail is made again from its newest segment at most this often. Default 60 s. */
  readonly liveRefreshMs?: number;
  readonly nowMs?: () => number;
}

/** Broadcasts whose thumbnail may wait to be made at once; more get none until the queue drains. */
const MAX_PENDING = 16;
/** A thumbnail that could not be made is not tried again for this long. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** Ended VODs remembered as having their final thumbnail (and failures remembered). */
const MAX_REMEMBERED = 10_000;

export const vodThumbnailKey = (broadcastId: string) => `vod/${broadcastId}/thumbnail.jpg`;

/**
 * A VOD's thumbnail: a JPEG of a frame from the middle of the archived source video once the broadcast ended, of its
 * newest segment (made again each `liveRefreshMs`) while it records. Made on first request, one ffmpeg at a time,
 * and kept in the store beside the segments (a deleted VOD's folder takes it along).
 */
export class VodThumbnails {
  readonly #options: VodThumbnailsOptions;
  readonly #nowMs: () => number;
  /** Per recording broadcast, when its thumbnail was made (bounded with the pending ones). */
  readonly #madeAt = new Map<string, number>();
  readonly #pending = new Map<string, Promise<string | undefined>>();
  /** When making a broadcast's thumbnail last failed: not tried again for a minute, however often it is asked. */
  readonly #failedAt = new Map<string, number>();
  /** Ended VODs whose final thumbnail is stored: served without asking the index (its summary sums every segment). */
  readonly #final = new Set<string>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: VodThumbnailsOptions) {
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** The store key of the broadcast's thumbnail, made if needed; undefined when it has no archived video (yet). */
  async get(broadcastId: string): Promise<{ key: string; recording: boolean } | undefined> {
    const key = vodThumbnailKey(broadcastId);
    if (this.#final.has(broadcastId)) {
      if ((await this.#options.store.size(key)) !== undefined) return { key, recording: false };
      this.#final.delete(broadcastId); // deleted with its VOD
    }
    const summary = await this.#options.index.summary(broadcastId);
    if (!summary) return undefined;
    const recording = summary.state === 'recording';
    const stored = (await this.#options.store.size(key)) !== undefined;
    const madeLive = this.#madeAt.get(broadcastId);
    // Recording: a picture of the newest segment, at most liveRefreshMs old. Ended: one from the middle, so one this
    // process made while it recorded is made again.
    const fresh = recording
      ? this.#nowMs() - (madeLive ?? 0) < (this.#options.liveRefreshMs ?? 60_000)
      : madeLive === undefined;
    if (stored && fresh) {
      if (!recording) this.#remember(broadcastId);
      return { key, recording };
    }
    const made = await this.#make(broadcastId, recording);
    if (made) {
      if (!recording) this.#remember(broadcastId);
      return { key: made, recording };
    }
    // Could not make a new one now (queue full, no video yet): an older one is better than none.
    return stored ? { key, recording } : undefined;
  }

  /** No thumbnail could be made (no usable video yet, or ffmpeg failed): asks within a minute get none at once. */
  #failed(broadcastId: string): void {
    this.#failedAt.delete(broadcastId);
    this.#failedAt.set(broadcastId, this.#nowMs());
    if (this.#failedAt.size > MAX_REMEMBERED) this.#failedAt.delete(this.#failedAt.keys().next().value as string);
  }

  #remember(broadcastId: string): void {
    this.#final.add(broadcastId);
    // Bounded: forgetting one only costs its next request a summary.
    if (this.#final.size > MAX_REMEMBERED) this.#final.delete(this.#final.values().next().value as string);
  }

  #make(broadcastId: string, recording: boolean): Promise<string | undefined> {
    const pending = this.#pending.get(broadcastId);
    if (pending) return pending;
    const failedAt = this.#failedAt.get(broadcastId);
    if (failedAt !== undefined && this.#nowMs() - failedAt < RETRY_AFTER_FAILURE_MS) return Promise.resolve(undefined);
    if (this.#pending.size >= MAX_PENDING) return Promise.resolve(undefined);
    const run = this.#tail
      .catch(() => {})
      .then(() => this.#makeNow(broadcastId, recording))
      .catch((error: unknown) => {
        this.#options.logger.warn({ err: error, broadcastId }, 'VOD thumbnail not made');
        return undefined;
      })
      .then((key) => {
        if (key === undefined) this.#failed(broadcastId);
        return key;
      })
      .finally(() => this.#pending.delete(broadcastId));
    this.#pending.set(broadcastId, run);
    this.#tail = run;
    return run;
  }

  async #makeNow(broadcastId: string, recording: boolean): Promise<string | undefined> {
    const { index, store } = this.#options;
    const last = (await index.lastSegments(broadcastId)).find((s) => s.rendition === 'video');
    if (!last) return undefined;
    const seq = recording ? last.seq : Math.floor(last.seq / 2);
    const [segment] = (await index.segments(broadcastId, 'video', { fromSeq: seq, limit: 8 })).filter((s) => s.ok);
    if (!segment) return undefined;
    const [init, bytes] = await Promise.all([store.get(segment.initKey), store.get(segment.key)]);
    if (!init || !bytes) return undefined;
    const work = await mkdtemp(join(tmpdir(), 'glint-thumb-'));
    try {
      const input = join(work, 'segment.mp4');
      const output = join(work, 'thumbnail.jpg');
      await writeFile(input, Buffer.concat([init, bytes]));
      await thumbnail(input, output, 0);
      const key = vodThumbnailKey(broadcastId);
      await store.put(key, await readFile(output));
      this.#madeAt.delete(broadcastId);
      if (recording) {
        this.#madeAt.set(broadcastId, this.#nowMs());
        if (this.#madeAt.size > 1000) this.#madeAt.delete(this.#madeAt.keys().next().value as string);
      }
      return key;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
