import type { AuthUser } from '../accounts/accounts.ts';
import type { ChannelRow } from '../db/schema.ts';
import { conflict } from '../errors.ts';
import type { ServiceDeps } from '../service-deps.ts';

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
}
