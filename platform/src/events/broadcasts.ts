import { sql } from 'kysely';
import { newId } from '../ids.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';

export interface BroadcastsOptions {
  /** A stream back within this long continues its broadcast: no new go-live event, no new notifications. */
  readonly reconnectGraceMs: number;
}

/** A broadcast of a channel's history. */
export interface BroadcastInfo {
  readonly id: string;
  readonly title: string;
  readonly startedAt: number;
  /** Null while on air. */
  readonly endedAt: number | null;
  readonly peakViewers: number;
  /** Mean of the viewer samples, rounded; 0 without samples. */
  readonly averageViewers: number;
}

interface OnAir {
  readonly broadcastId: string;
  readonly startedAt: number;
  /** Set while the stream is gone and the grace period runs. */
  endTimer: NodeJS.Timeout | undefined;
}

/**
 * Broadcast records and the go-live / offline events, driven by ingest's stream start and end. Every call returns
 * at once for ingest: database work runs behind a per-channel queue, and a database error is logged, never thrown
 * into the media path.
 */
export class Broadcasts {
  readonly #deps: ServiceDeps;
  readonly #options: BroadcastsOptions;
  readonly #onAir = new Map<string, OnAir>();
  /** Per channel: the tail of its queue of database work, so start, samples and end apply in order. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(deps: ServiceDeps, options: BroadcastsOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  /** The broadcasts the last recover() ended (a killed process left them open): the archive verifies them. */
  recovered: readonly string[] = [];

  /** Ends broadcasts a previous process left open (it stopped without seeing them end). */
  async recover(): Promise<void> {
    const { db, nowMs } = this.#deps;
    const open = await db.selectFrom('broadcasts').select('id').where('ended_at', 'is', null).execute();
    await db.updateTable('broadcasts').set({ ended_at: nowMs() }).where('ended_at', 'is', null).execute();
    this.recovered = open.map((r) => r.id);
    await db.updateTable('channels').set({ live_broadcast_id: null }).execute();
  }

  /** A stream started on the channel: a new broadcast, or the same one when it is back within the grace period. */
  streamStarted(channel: string): void {
    const current = this.#onAir.get(channel);
    if (current) {
      clearTimeout(current.endTimer);
      current.endTimer = undefined;
      return;
    }
    const startedAt = this.#deps.nowMs();
    const broadcastId = newId(startedAt);
    this.#onAir.set(channel, { broadcastId, startedAt, endTimer: undefined });
    this.#enqueue(channel, 'start', async () => {
      const { db } = this.#deps;
      const row = await db
        .selectFrom('channels')
        .select(['title', 'category'])
        .where('name', '=', channel)
        .executeTakeFirst();
      if (!row) return;
      await db
        .insertInto('broadcasts')
        .values({ id: broadcastId, channel, title: row.title, started_at: startedAt, ended_at: null })
        .execute();
      await db.updateTable('channels').set({ live_broadcast_id: broadcastId }).where('name', '=', channel).execute();
      this.#deps.events.broadcast.emit({
        type: 'stream.online',
        eventId: newId(),
        channel,
        broadcastId,
        title: row.title,
        category: row.category,
        startedAt,
      });
    });
  }

  /** The stream ended; the broadcast ends when the grace period passes without a new stream. */
  streamEnded(channel: string): void {
    const current = this.#onAir.get(channel);
    if (!current || current.endTimer) return;
    current.endTimer = setTimeout(() => this.#finish(channel, current), this.#options.reconnectGraceMs);
    current.endTimer.unref();
  }

  /** One viewer-count sample for the channel's broadcast (peak and average). */
  sampleViewers(channel: string, viewers: number): void {
    const current = this.#onAir.get(channel);
    if (!current) return;
    this.#enqueue(channel, 'viewer sample', async () => {
      // One statement, the same on both dialects (CASE rather than SQLite's max() or PostgreSQL's greatest()).
      await this.#deps.db
        .updateTable('broadcasts')
        .set({
          peak_viewers: sql<number>`case when peak_viewers < ${viewers} then ${viewers} else peak_viewers end`,
          viewer_sample_sum: sql<number>`viewer_sample_sum + ${viewers}`,
          viewer_samples: sql<number>`viewer_samples + 1`,
        })
        .where('id', '=', current.broadcastId)
        .execute();
    });
  }

  /** The channel's broadcasts, newest first. */
  async list(channel: string, page: PageRequest): Promise<PageResult<BroadcastInfo>> {
    let query = this.#deps.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('channel', '=', channel)
      .orderBy('id', 'desc')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('id', '<', page.cursor);
    const rows = await query.execute();
    return toPage(
      rows,
      page,
      (r) => r.id,
      (r) => ({
        id: r.id,
        title: r.title,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        peakViewers: r.peak_viewers,
        averageViewers: averageOf(r.viewer_sample_sum, r.viewer_samples),
      }),
    );
  }

  /** The broadcast on air on the channel, as this process sees it. */
  onAir(channel: string): { broadcastId: string; startedAt: number } | undefined {
    const current = this.#onAir.get(channel);
    return current && { broadcastId: current.broadcastId, startedAt: current.startedAt };
  }

  /** Ends every broadcast now (process shutdown) and waits for the database work. */
  async close(): Promise<void> {
    for (const [channel, current] of this.#onAir) this.#finish(channel, current);
    await Promise.all(this.#queues.values());
  }

  /** Waits for the queued database work of every channel (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#queues.values());
  }

  #finish(channel: string, current: OnAir): void {
    clearTimeout(current.endTimer);
    if (this.#onAir.get(channel) !== current) return;
    this.#onAir.delete(channel);
    const endedAt = this.#deps.nowMs();
    this.#enqueue(channel, 'end', async () => {
      const { db } = this.#deps;
      await db.updateTable('broadcasts').set({ ended_at: endedAt }).where('id', '=', current.broadcastId).execute();
      await db
        .updateTable('channels')
        .set({ live_broadcast_id: null })
        .where('name', '=', channel)
        .where('live_broadcast_id', '=', current.broadcastId)
        .execute();
      const row = await db
        .selectFrom('broadcasts')
        .select(['peak_viewers', 'viewer_sample_sum', 'viewer_samples'])
        .where('id', '=', current.broadcastId)
        .executeTakeFirst();
      if (!row) return;
      this.#deps.events.broadcast.emit({
        type: 'stream.offline',
        eventId: newId(),
        channel,
        broadcastId: current.broadcastId,
        startedAt: current.startedAt,
        endedAt,
        peakViewers: row.peak_viewers,
        averageViewers: averageOf(row.viewer_sample_sum, row.viewer_samples),
      });
    });
  }

  #enqueue(channel: string, what: string, work: () => Promise<void>): void {
    const tail = (this.#queues.get(channel) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => this.#deps.logger.error({ err, channel, what }, 'broadcast record not written'));
    this.#queues.set(channel, tail);
    void tail.then(() => {
      if (this.#queues.get(channel) === tail) this.#queues.delete(channel);
    });
  }
}

function averageOf(sum: number, samples: number): number {
  return samples === 0 ? 0 : Math.round(sum / samples);
}
