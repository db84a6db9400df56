import type { Selectable } from 'kysely';
import type { ClipsTable, VodRenditionsTable, VodSegmentsTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { ClipRecord, ClipStatus, NewClip, VodIndex, VodRendition, VodSegment, VodSummary } from './types.ts';

/** Segments a single insert writes. */
const INSERT_BATCH = 1000;

function toSegmentRow(s: Omit<VodSegment, 'ok'>) {
  return {
    broadcast_id: s.broadcastId,
    rendition: s.rendition,
    seq: s.seq,
    msn: s.msn,
    start_us: s.startUs,
    duration_us: s.durationUs,
    program_date_time_ms: s.programDateTimeMs,
    discontinuity: s.discontinuity ? 1 : 0,
    key: s.key,
    init_key: s.initKey,
    bytes: s.bytes,
    sha256: s.sha256,
  };
}

/**
 * The archive index in the platform database: the same queries on SQLite and PostgreSQL. Sums are read through
 * Number() because PostgreSQL returns sum(bigint) as numeric (a string).
 */
export class SqlVodIndex implements VodIndex {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async putRendition(r: VodRendition): Promise<void> {
    const values = {
      kind: r.kind,
      codec: r.codec,
      width: r.width ?? null,
      height: r.height ?? null,
      frame_rate: r.frameRate ?? null,
      channels: r.channels ?? null,
    };
    await this.#deps.db
      .insertInto('vod_renditions')
      .values({ broadcast_id: r.broadcastId, rendition: r.rendition, ...values })
      .onConflict((oc) => oc.columns(['broadcast_id', 'rendition']).doUpdateSet(values))
      .execute();
  }

  async addSegment(s: Omit<VodSegment, 'ok'>): Promise<void> {
    await this.addSegments([s]);
  }

  async addSegments(segments: readonly Omit<VodSegment, 'ok'>[]): Promise<void> {
    // 12 values a row: a batch stays far below SQLite's and PostgreSQL's bound parameter limits.
    for (let i = 0; i < segments.length; i += INSERT_BATCH) {
      await this.#deps.db
        .insertInto('vod_segments')
        .values(segments.slice(i, i + INSERT_BATCH).map(toSegmentRow))
        .execute();
    }
  }

  async renditions(broadcastId: string): Promise<VodRendition[]> {
    const rows = await this.#deps.db
      .selectFrom('vod_renditions')
      .selectAll()
      .where('broadcast_id', '=', broadcastId)
      .orderBy('rendition')
      .execute();
    return rows.map(toRendition);
  }

  async segments(
    broadcastId: string,
    rendition: string,
    range: { fromSeq?: number; limit?: number } = {},
  ): Promise<VodSegment[]> {
    let query = this.#deps.db
      .selectFrom('vod_segments')
      .selectAll()
      .where('broadcast_id', '=', broadcastId)
      .where('rendition', '=', rendition)
      .where('seq', '>=', range.fromSeq ?? 0)
      .orderBy('seq');
    if (range.limit !== undefined) query = query.limit(Math.max(0, range.limit));
    return (await query.execute()).map(toSegment);
  }

  async segmentsInRange(broadcastId: string, rendition: string, startUs: number, endUs: number): Promise<VodSegment[]> {
    const { db } = this.#deps;
    // The segment holding startUs begins at the greatest start at or before it (an index seek, no scan).
    const first = await db
      .selectFrom('vod_segments')
      .select((eb) => eb.fn.max('start_us').as('start'))
      .where('broadcast_id', '=', broadcastId)
      .where('rendition', '=', rendition)
      .where('start_us', '<=', startUs)
      .executeTakeFirst();
    const from = first?.start === null || first?.start === undefined ? 0 : Number(first.start);
    const rows = await db
      .selectFrom('vod_segments')
      .selectAll()
      .where('broadcast_id', '=', broadcastId)
      .where('rendition', '=', rendition)
      .where('start_us', '>=', from)
      .where('start_us', '<', endUs)
      .orderBy('seq')
      .execute();
    return rows.map(toSegment).filter((s) => s.startUs + s.durationUs > startUs);
  }

  async lastSegments(broadcastId: string): Promise<VodSegment[]> {
    const rows = await this.#deps.db
      .selectFrom('vod_segments as s')
      .selectAll()
      .where('s.broadcast_id', '=', broadcastId)
      .where((eb) =>
        eb(
          's.seq',
          '=',
          eb
            .selectFrom('vod_segments as l')
            .select((l) => l.fn.max('l.seq').as('seq'))
            .whereRef('l.broadcast_id', '=', 's.broadcast_id')
            .whereRef('l.rendition', '=', 's.rendition'),
        ),
      )
      .orderBy('s.rendition')
      .execute();
    return rows.map(toSegment);
  }

  async markBad(broadcastId: string, rendition: string, seq: number): Promise<void> {
    await this.#deps.db
      .updateTable('vod_segments')
      .set({ ok: 0 })
      .where('broadcast_id', '=', broadcastId)
      .where('rendition', '=', rendition)
      .where('seq', '=', seq)
      .execute();
  }

  async summary(broadcastId: string): Promise<VodSummary | undefined> {
    const row = await this.#deps.db
      .selectFrom('broadcasts')
      .select(['id', 'channel', 'title', 'started_at', 'ended_at'])
      .where('id', '=', broadcastId)
      .where('vod_deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const [summary] = await this.#summaries([row]);
    return summary;
  }

  async list(channel: string, page: PageRequest): Promise<PageResult<VodSummary>> {
    // Ids are time-ordered and a channel has at most one broadcast on air, its newest: newest first puts the
    // recording one first.
    let query = this.#deps.db
      .selectFrom('broadcasts as b')
      .select(['b.id', 'b.channel', 'b.title', 'b.started_at', 'b.ended_at'])
      .where('b.channel', '=', channel)
      .where('b.vod_deleted_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('vod_segments as s').select('s.seq').whereRef('s.broadcast_id', '=', 'b.id')),
      )
      .orderBy('b.id', 'desc')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('b.id', '<', page.cursor);
    const rows = await query.execute();
    const summaries = new Map((await this.#summaries(rows)).map((s) => [s.broadcastId, s]));
    return toPage(
      rows.filter((r) => summaries.has(r.id)),
      page,
      (r) => r.id,
      (r) => summaries.get(r.id) as VodSummary,
    );
  }

  async delete(broadcastId: string): Promise<string[]> {
    const { db, nowMs } = this.#deps;
    return db.transaction().execute(async (tx) => {
      await tx
        .updateTable('broadcasts')
        .set({ vod_deleted_at: nowMs() })
        .where('id', '=', broadcastId)
        .where('vod_deleted_at', 'is', null)
        .execute();
      const segments = await tx
        .selectFrom('vod_segments')
        .select('key')
        .where('broadcast_id', '=', broadcastId)
        .execute();
      const inits = await tx
        .selectFrom('vod_segments')
        .select('init_key')
        .distinct()
        .where('broadcast_id', '=', broadcastId)
        .execute();
      await tx.deleteFrom('vod_segments').where('broadcast_id', '=', broadcastId).execute();
      await tx.deleteFrom('vod_renditions').where('broadcast_id', '=', broadcastId).execute();
      return [...segments.map((s) => s.key), ...inits.map((i) => i.init_key)];
    });
  }

  async expired(endedBeforeMs: number, limit: number): Promise<string[]> {
    const rows = await this.#deps.db
      .selectFrom('broadcasts as b')
      .select('b.id')
      .where('b.ended_at', '<', endedBeforeMs)
      .where('b.vod_deleted_at', 'is', null)
      .where(({ exists, or, selectFrom }) =>
        or([
          exists(selectFrom('vod_segments as s').select('s.seq').whereRef('s.broadcast_id', '=', 'b.id')),
          exists(selectFrom('vod_renditions as r').select('r.rendition').whereRef('r.broadcast_id', '=', 'b.id')),
        ]),
      )
      .orderBy('b.ended_at')
      .orderBy('b.id')
      .limit(Math.max(0, limit))
      .execute();
    return rows.map((r) => r.id);
  }

  async endedSince(sinceMs: number): Promise<string[]> {
    const rows = await this.#deps.db
      .selectFrom('broadcasts as b')
      .select('b.id')
      .where('b.ended_at', '>=', sinceMs)
      .where('b.vod_deleted_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('vod_segments as s').select('s.seq').whereRef('s.broadcast_id', '=', 'b.id')),
      )
      .orderBy('b.id')
      .execute();
    return rows.map((r) => r.id);
  }

  async createClip(clip: NewClip): Promise<ClipRecord> {
    const createdAt = this.#deps.nowMs();
    const row: Selectable<ClipsTable> = {
      id: newId(createdAt),
      channel: clip.channel,
      broadcast_id: clip.broadcastId,
      title: clip.title,
      created_by: clip.createdBy,
      start_us: clip.startUs,
      duration_us: clip.durationUs,
      status: 'queued',
      error: null,
      video_key: null,
      thumbnail_key: null,
      bytes: null,
      created_at: createdAt,
      ready_at: null,
    };
    await this.#deps.db.insertInto('clips').values(row).execute();
    return toClip(row);
  }

  async updateClip(
    id: string,
    change: Partial<Pick<ClipRecord, 'status' | 'error' | 'videoKey' | 'thumbnailKey' | 'bytes' | 'readyAt'>>,
  ): Promise<void> {
    const set: Partial<Selectable<ClipsTable>> = {};
    if (change.status !== undefined) set.status = change.status;
    if (change.error !== undefined) set.error = change.error;
    if (change.videoKey !== undefined) set.video_key = change.videoKey;
    if (change.thumbnailKey !== undefined) set.thumbnail_key = change.thumbnailKey;
    if (change.bytes !== undefined) set.bytes = change.bytes;
    if (change.readyAt !== undefined) set.ready_at = change.readyAt;
    if (Object.keys(set).length === 0) return;
    await this.#deps.db.updateTable('clips').set(set).where('id', '=', id).execute();
  }

  async clip(id: string): Promise<ClipRecord | undefined> {
    const row = await this.#deps.db.selectFrom('clips').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toClip(row);
  }

  async listClips(channel: string, page: PageRequest): Promise<PageResult<ClipRecord>> {
    let query = this.#deps.db
      .selectFrom('clips')
      .selectAll()
      .where('channel', '=', channel)
      .orderBy('id', 'desc')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('id', '<', page.cursor);
    return toPage(await query.execute(), page, (r) => r.id, toClip);
  }

  async deleteClip(id: string): Promise<string[]> {
    const { db } = this.#deps;
    return db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('clips')
        .select(['video_key', 'thumbnail_key'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return [];
      await tx.deleteFrom('clips').where('id', '=', id).execute();
      return [row.video_key, row.thumbnail_key].filter((k): k is string => k !== null);
    });
  }

  /** Durations and bytes of broadcasts with at least one segment, in one grouped query. */
  async #summaries(
    rows: readonly { id: string; channel: string; title: string; started_at: number; ended_at: number | null }[],
  ): Promise<VodSummary[]> {
    if (rows.length === 0) return [];
    const totals = await this.#deps.db
      .selectFrom('vod_segments')
      .select((eb) => [
        'broadcast_id',
        'rendition',
        eb.fn.sum<number>('bytes').as('bytes'),
        eb.fn.max<number>(eb('start_us', '+', eb.ref('duration_us'))).as('end_us'),
      ])
      .where(
        'broadcast_id',
        'in',
        rows.map((r) => r.id),
      )
      .groupBy(['broadcast_id', 'rendition'])
      .execute();
    const result: VodSummary[] = [];
    for (const row of rows) {
      const mine = totals.filter((t) => t.broadcast_id === row.id);
      if (mine.length === 0) continue;
      const main = mine.find((t) => t.rendition === 'video') ?? mine.find((t) => t.rendition === 'audio') ?? mine[0];
      result.push({
        broadcastId: row.id,
        channel: row.channel,
        title: row.title,
        startedAt: row.started_at,
        endedAt: row.ended_at,
        state: row.ended_at === null ? 'recording' : 'ready',
        durationUs: Number(main?.end_us ?? 0),
        bytes: mine.reduce((sum, t) => sum + Number(t.bytes), 0),
      });
    }
    return result;
  }
}

function toRendition(row: Selectable<VodRenditionsTable>): VodRendition {
  return {
    broadcastId: row.broadcast_id,
    rendition: row.rendition,
    kind: row.kind === 'audio' ? 'audio' : 'video',
    codec: row.codec,
    ...(row.width !== null ? { width: row.width } : {}),
    ...(row.height !== null ? { height: row.height } : {}),
    ...(row.frame_rate !== null ? { frameRate: Number(row.frame_rate) } : {}),
    ...(row.channels !== null ? { channels: row.channels } : {}),
  };
}

function toSegment(row: Selectable<VodSegmentsTable>): VodSegment {
  return {
    broadcastId: row.broadcast_id,
    rendition: row.rendition,
    seq: row.seq,
    msn: row.msn,
    startUs: Number(row.start_us),
    durationUs: Number(row.duration_us),
    programDateTimeMs: Number(row.program_date_time_ms),
    discontinuity: row.discontinuity === 1,
    key: row.key,
    initKey: row.init_key,
    bytes: Number(row.bytes),
    sha256: row.sha256,
    ok: row.ok === 1,
  };
}

function toClip(row: Selectable<ClipsTable>): ClipRecord {
  return {
    id: row.id,
    channel: row.channel,
    broadcastId: row.broadcast_id,
    title: row.title,
    createdBy: row.created_by,
    startUs: Number(row.start_us),
    durationUs: Number(row.duration_us),
    status: row.status as ClipStatus,
    error: row.error,
    videoKey: row.video_key,
    thumbnailKey: row.thumbnail_key,
    bytes: row.bytes === null ? null : Number(row.bytes),
    createdAt: Number(row.created_at),
    readyAt: row.ready_at === null ? null : Number(row.ready_at),
  };
}
