import { createHash } from 'node:crypto';
import type { CompletedSegment, MultivariantModel, SegmentSink } from '@glint/llhls-packager';
import type { Logger } from '@glint/media-core';
import type { VodIndex } from '@glint/platform';
import { LogBudget } from '../../limits/log-budget.ts';
import type { MediaStore } from '../storage/types.ts';
import type { ArchiveStats } from './archive-stats.ts';
import { renditionOf } from './rendition-of.ts';

export interface ArchiverOptions {
  readonly store: MediaStore;
  readonly index: VodIndex;
  readonly onAir: (channelId: string) => { broadcastId: string } | undefined;
  readonly describe: (channelId: string) => MultivariantModel | undefined;
  readonly logger: Logger;
  readonly maxQueueBytes: number;
  readonly nowMs?: () => number;
}

/** A segment waiting for the disk: the packager's own buffers, not copies. */
interface Job {
  readonly broadcastId: string;
  readonly segment: CompletedSegment;
  readonly bytes: number;
  /** A segment of this rendition was skipped (queue full) just before it. */
  readonly afterSkip: boolean;
}

/** Where a (broadcast, rendition) continues: all the state kept per rendition, whatever the broadcast's length. */
interface RenditionState {
  nextSeq: number;
  nextStartUs: number;
  /** The packager folder and init of the last archived segment (undefined: none in this process). */
  folder: string | undefined;
  initKey: string | undefined;
  /** Continued from the index (an earlier process): its first segment here starts a discontinuity. */
  resumed: boolean;
  /** A segment was skipped since the last archived one. */
  skipped: boolean;
  /** The init whose description is indexed. */
  describedInitKey: string | undefined;
  /** The last init buffer seen and its hash (the packager hands the same buffer for a whole init's segments). */
  lastInit: Uint8Array | undefined;
  lastInitHash: string;
}

interface ChannelWriter {
  readonly jobs: Job[];
  running: Promise<void> | undefined;
  /** Renditions whose last offered segment was skipped at enqueue. */
  readonly skippedAtEnqueue: Set<string>;
  broadcastId: string | undefined;
  renditions: Map<string, RenditionState>;
}

const LOG_WINDOW_MS = 60_000;
const MAX_FORGOTTEN = 1000;
const MAX_LAST_ON_AIR = 10_000;

/**
 * Archives the packager's completed segments: `onSegment` only enqueues (the packager's hot path never waits on a
 * disk); one writer per channel stores the init (once per content), the segment, then indexes it, in order. The
 * queue holds at most `maxQueueBytes` over all channels; past it, or when a write fails (disk full), the segment is
 * skipped and the next one of its rendition starts a discontinuity.
 */
export class Archiver {
  readonly #options: ArchiverOptions;
  readonly #writers = new Map<string, ChannelWriter>();
  readonly #logBudget: LogBudget;
  readonly #nowMs: () => number;
  readonly #forgotten = new Set<string>();
  /**
   * Per channel, the packager folder last seen on air and its broadcast: the last segment of a broadcast is completed
   * when the reconnect grace ends, the moment the platform ends the broadcast too, so it may come after the end.
   */
  readonly #lastOnAir = new Map<string, { folder: string; broadcastId: string }>();
  #queuedBytes = 0;
  #stats = { writtenSegments: 0, writtenBytes: 0, skippedSegments: 0, failedWrites: 0 };
  #lastError: ArchiveStats['lastError'] = null;

  constructor(options: ArchiverOptions) {
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#logBudget = new LogBudget({
      perWindow: 5,
      windowMs: LOG_WINDOW_MS,
      nowMs: this.#nowMs,
      onSuppressed: (count, windowMs) =>
        options.logger.warn({ count, windowMs, stats: this.stats }, 'more archive problems not logged'),
    });
  }

  sinkFor(channelId: string): SegmentSink {
    return { onSegment: (segment) => this.#enqueue(channelId, segment) };
  }

  get stats(): ArchiveStats {
    return { queuedBytes: this.#queuedBytes, ...this.#stats, lastError: this.#lastError };
  }

  /**
   * A deleted VOD: its broadcast's segments still queued or still coming (it may be on air) are dropped, not
   * archived again.
   */
  forget(broadcastId: string): void {
    this.#forgotten.add(broadcastId);
    // Bounded: only a VOD deleted while on air needs remembering, and only until its broadcast ends.
    if (this.#forgotten.size > MAX_FORGOTTEN) this.#forgotten.delete(this.#forgotten.values().next().value as string);
  }

  /** Waits until no writer holds a segment of the broadcast (after forget: its in-flight write is done). */
  async settled(broadcastId: string): Promise<void> {
    for (const writer of this.#writers.values()) {
      if (writer.broadcastId === broadcastId || writer.jobs.some((j) => j.broadcastId === broadcastId)) {
        await writer.running;
      }
    }
  }

  /** Waits until every queued segment is written (or skipped). */
  async drained(): Promise<void> {
    for (;;) {
      const running = [...this.#writers.values()].map((w) => w.running).filter((r) => r !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  #enqueue(channelId: string, segment: CompletedSegment): void {
    const broadcastId = this.#broadcastOf(channelId, segment.broadcastId);
    let writer = this.#writers.get(channelId);
    if (!writer) {
      writer = {
        jobs: [],
        running: undefined,
        skippedAtEnqueue: new Set(),
        broadcastId: undefined,
        renditions: new Map(),
      };
      this.#writers.set(channelId, writer);
    }
    let bytes = 0;
    for (const part of segment.parts) bytes += part.byteLength;
    if (broadcastId === undefined || bytes === 0) {
      this.#skip(writer, segment.rendition);
      this.#problem(
        'debug',
        { channelId, rendition: segment.rendition, msn: segment.msn },
        'segment not archived: no broadcast on air',
      );
      return;
    }
    if (this.#queuedBytes + bytes > this.#options.maxQueueBytes) {
      this.#skip(writer, segment.rendition);
      this.#problem(
        'warn',
        { channelId, rendition: segment.rendition, msn: segment.msn, queuedBytes: this.#queuedBytes },
        'archive queue full (the disk is slower than the streams): segment not archived',
      );
      return;
    }
    const afterSkip = writer.skippedAtEnqueue.delete(segment.rendition);
    this.#queuedBytes += bytes;
    writer.jobs.push({ broadcastId, segment, bytes, afterSkip });
    if (!writer.running) writer.running = this.#drain(channelId, writer);
  }

  /** The platform broadcast a segment belongs to: the one on air, or the one its packager folder last belonged to. */
  #broadcastOf(channelId: string, folder: string): string | undefined {
    const onAir = this.#options.onAir(channelId)?.broadcastId;
    if (onAir === undefined) {
      const last = this.#lastOnAir.get(channelId);
      return last?.folder === folder ? last.broadcastId : undefined;
    }
    const last = this.#lastOnAir.get(channelId);
    if (last?.folder !== folder || last.broadcastId !== onAir) {
      this.#lastOnAir.delete(channelId);
      this.#lastOnAir.set(channelId, { folder, broadcastId: onAir });
      // Bounded: one small entry per channel seen lately.
      if (this.#lastOnAir.size > MAX_LAST_ON_AIR) this.#lastOnAir.delete(this.#lastOnAir.keys().next().value as string);
    }
    return onAir;
  }

  #skip(writer: ChannelWriter, rendition: string): void {
    this.#stats.skippedSegments += 1;
    writer.skippedAtEnqueue.add(rendition);
  }

  async #drain(channelId: string, writer: ChannelWriter): Promise<void> {
    for (let job = writer.jobs.shift(); job; job = writer.jobs.shift()) {
      try {
        await this.#write(channelId, writer, job);
      } catch (error) {
        this.#stats.failedWrites += 1;
        this.#stats.skippedSegments += 1;
        const message = error instanceof Error ? error.message : String(error);
        this.#lastError = { message, atMs: this.#nowMs() };
        const { rendition, msn } = job.segment;
        this.#problem(
          'error',
          { err: error, channelId, broadcastId: job.broadcastId, rendition, msn },
          'segment not archived: write failed',
        );
      } finally {
        this.#queuedBytes -= job.bytes;
      }
    }
    writer.running = undefined;
    // A channel with nothing queued and no broadcast keeps no state.
    if (!this.#options.onAir(channelId)) this.#writers.delete(channelId);
  }

  async #write(channelId: string, writer: ChannelWriter, job: Job): Promise<void> {
    const { store, index } = this.#options;
    const { segment, broadcastId } = job;
    if (this.#forgotten.has(broadcastId)) return;
    const state = await this.#stateOf(writer, broadcastId, segment.rendition);
    // Whatever happens below, a failure means this segment is missing before the next one.
    const skippedBefore = state.skipped || job.afterSkip;
    state.skipped = true;
    if (state.lastInit !== segment.init) {
      state.lastInit = segment.init;
      state.lastInitHash = createHash('sha256').update(segment.init).digest('hex');
    }
    const folder = `vod/${broadcastId}/${segment.rendition}`;
    const initKey = `${folder}/init-${state.lastInitHash.slice(0, 16)}.mp4`;
    if (state.initKey !== initKey) await store.put(initKey, segment.init);
    if (state.describedInitKey !== initKey) {
      const rendition = renditionOf(this.#options.describe(channelId), broadcastId, segment.rendition);
      if (rendition) {
        await index.putRendition(rendition);
        state.describedInitKey = initKey;
      }
    }
    const seq = state.nextSeq;
    state.nextSeq += 1;
    const key = `${folder}/${seq}.m4s`;
    const hash = createHash('sha256');
    for (const part of segment.parts) hash.update(part);
    const durationUs = Math.round(segment.durationSec * 1_000_000);
    const discontinuity =
      segment.discontinuity ||
      skippedBefore ||
      state.resumed ||
      (state.folder !== undefined && state.folder !== segment.broadcastId) ||
      (state.initKey !== undefined && state.initKey !== initKey);
    await store.put(key, segment.parts);
    state.initKey = initKey;
    try {
      await index.addSegment({
        broadcastId,
        rendition: segment.rendition,
        seq,
        msn: segment.msn,
        startUs: state.nextStartUs,
        durationUs,
        programDateTimeMs: segment.programDateTimeMs,
        discontinuity,
        key,
        initKey,
        bytes: job.bytes,
        sha256: hash.digest('hex'),
      });
    } catch (error) {
      await store.delete([key]).catch(() => {});
      throw error;
    }
    state.nextStartUs += durationUs;
    state.folder = segment.broadcastId;
    state.resumed = false;
    state.skipped = false;
    this.#stats.writtenSegments += 1;
    this.#stats.writtenBytes += job.bytes;
  }

  /** The rendition's place in its broadcast: in memory, or (first use in this process) from the index. */
  async #stateOf(writer: ChannelWriter, broadcastId: string, rendition: string): Promise<RenditionState> {
    if (writer.broadcastId !== broadcastId) {
      const last = await this.#options.index.lastSegments(broadcastId);
      writer.broadcastId = broadcastId;
      writer.renditions = new Map(
        last.map((s) => [
          s.rendition,
          {
            ...freshState(),
            nextSeq: s.seq + 1,
            nextStartUs: s.startUs + s.durationUs,
            initKey: s.initKey,
            describedInitKey: s.initKey,
            resumed: true,
          },
        ]),
      );
    }
    let state = writer.renditions.get(rendition);
    if (!state) {
      state = freshState();
      writer.renditions.set(rendition, state);
    }
    return state;
  }

  #problem(level: 'debug' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const logger = this.#options.logger;
    if (level === 'debug' || !this.#logBudget.take()) logger.debug(fields, message);
    else logger[level]({ ...fields, stats: this.stats }, message);
  }
}

function freshState(): RenditionState {
  return {
    nextSeq: 0,
    nextStartUs: 0,
    folder: undefined,
    initKey: undefined,
    resumed: false,
    skipped: false,
    describedInitKey: undefined,
    lastInit: undefined,
    lastInitHash: '',
  };
}
