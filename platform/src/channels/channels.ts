import type { Kysely } from 'kysely';
import type { AuthUser } from '../accounts/accounts.ts';
import type { ChannelRow, Database } from '../db/schema.ts';
import { conflict, forbidden } from '../errors.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { requireChannel } from './channel-lookup.ts';

/** What a channel is, as the API and ingest see it. */
export interface ChannelInfo {
  readonly name: string;
  readonly ownerId: string;
  readonly title: string;
  readonly category: string;
  readonly language: string;
  readonly liveBroadcastId: string | null;
  readonly createdAt: number;
}

/** The broadcast on air, from the channel's record (true across processes, unlike Broadcasts.onAir). */
export interface LiveState {
  readonly broadcastId: string;
  readonly startedAt: number;
}

/** A channel as lists and its page show it: with its owner's display name and its live state. */
export interface ChannelSummary {
  readonly name: string;
  readonly displayName: string;
  readonly title: string;
  readonly category: string;
  readonly language: string;
  readonly live: LiveState | null;
}

/** What the broadcaster may change; absent fields stay. */
export type ChannelUpdate = Partial<Pick<ChannelInfo, 'title' | 'category' | 'language'>>;

/** Live when the channel names a broadcast and that broadcast's record is there. */
export function liveStateOf(row: {
  live_broadcast_id: string | null;
  live_started_at: number | null;
}): LiveState | null {
  if (row.live_broadcast_id === null || row.live_started_at === null) return null;
  return { broadcastId: row.live_broadcast_id, startedAt: row.live_started_at };
}

export const DEFAULT_CHANNEL_FIELDS = { title: '', category: 'Just Chatting', language: 'en' } as const;

export function toChannelInfo(row: ChannelRow): ChannelInfo {
  return {
    name: row.name,
    ownerId: row.owner_id,
    title: row.title,
    category: row.category,
    language: row.language,
    liveBroadcastId: row.live_broadcast_id,
    createdAt: row.created_at,
  };
}

/** One channel per streamer account, named after its login. */
export class Channels {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async create(owner: AuthUser, fields: Partial<Pick<ChannelInfo, 'title' | 'category' | 'language'>> = {}) {
    const { db, nowMs } = this.#deps;
    const now = nowMs();
    const taken = await db.selectFrom('channels').select('name').where('name', '=', owner.login).executeTakeFirst();
    if (taken) throw conflict('CHANNEL_EXISTS', `a channel named ${owner.login} exists already`);
    const row: ChannelRow = {
      name: owner.login,
      owner_id: owner.id,
      title: fields.title ?? DEFAULT_CHANNEL_FIELDS.title,
      category: fields.category ?? DEFAULT_CHANNEL_FIELDS.category,
      language: fields.language ?? DEFAULT_CHANNEL_FIELDS.language,
      live_broadcast_id: null,
      created_at: now,
      updated_at: now,
    };
    await db.insertInto('channels').values(row).execute();
    return toChannelInfo(row);
  }

  async get(name: string): Promise<ChannelInfo | null> {
    const row = await this.#deps.db.selectFrom('channels').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toChannelInfo(row) : null;
  }

  /** The channel with its owner's display name and live state, or null when there is none of that name. */
  async summary(name: string): Promise<ChannelSummary | null> {
    const row = await this.#summaries().where('channels.name', '=', name).executeTakeFirst();
    return row ? toSummary(row) : null;
  }

  /**
   * Live channels, newest broadcast first (broadcast ids are time-ordered, so they are the cursor), or with
   * `live: false` every channel by name.
   */
  async list(live: boolean, page: PageRequest): Promise<PageResult<ChannelSummary>> {
    const limit = pageSize(page) + 1;
    if (live) {
      let query = this.#summaries()
        .where('channels.live_broadcast_id', 'is not', null)
        .where('broadcasts.started_at', 'is not', null)
        .orderBy('channels.live_broadcast_id', 'desc')
        .limit(limit);
      if (page.cursor !== undefined) query = query.where('channels.live_broadcast_id', '<', page.cursor);
      return toPage(await query.execute(), page, (r) => r.live_broadcast_id ?? '', toSummary);
    }
    let query = this.#summaries().orderBy('channels.name').limit(limit);
    if (page.cursor !== undefined) query = query.where('channels.name', '>', page.cursor);
    return toPage(await query.execute(), page, (r) => r.name, toSummary);
  }

  /** Changes title, category or language; only the channel's owner may. */
  async update(name: string, actorId: string, fields: ChannelUpdate): Promise<void> {
    const { db, nowMs } = this.#deps;
    const row = await requireChannel(db, name);
    if (row.owner_id !== actorId) throw forbidden(`only the broadcaster of ${name} may change it`);
    const set: Partial<ChannelRow> = { updated_at: nowMs() };
    if (fields.title !== undefined) set.title = fields.title;
    if (fields.category !== undefined) set.category = fields.category;
    if (fields.language !== undefined) set.language = fields.language;
    await db.updateTable('channels').set(set).where('name', '=', name).execute();
  }

  /** The channel, or a 403 unless `actorId` owns it (the broadcaster-only routes: keys, grants, subscriptions). */
  async requireOwner(name: string, actorId: string): Promise<ChannelInfo> {
    const row = await requireChannel(this.#deps.db, name);
    if (row.owner_id !== actorId) throw forbidden(`only the broadcaster of ${name} may do this`);
    return toChannelInfo(row);
  }

  #summaries() {
    return channelSummaries(this.#deps.db);
  }
}

/** Channels with their owner's display name and live state: the base query of every list of channels. */
export function channelSummaries(db: Kysely<Database>) {
  return db
    .selectFrom('channels')
    .innerJoin('users', 'users.id', 'channels.owner_id')
    .leftJoin('broadcasts', 'broadcasts.id', 'channels.live_broadcast_id')
    .select([
      'channels.name',
      'channels.title',
      'channels.category',
      'channels.language',
      'channels.live_broadcast_id',
      'users.display_name',
      'broadcasts.started_at as live_started_at',
    ]);
}

interface SummaryRow {
  name: string;
  title: string;
  category: string;
  language: string;
  live_broadcast_id: string | null;
  display_name: string;
  live_started_at: number | null;
}

export function toSummary(row: SummaryRow): ChannelSummary {
  return {
    name: row.name,
    displayName: row.display_name,
    title: row.title,
    category: row.category,
    language: row.language,
    live: liveStateOf(row),
  };
}
