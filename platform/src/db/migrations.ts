import type { Kysely, Migration, MigrationProvider } from 'kysely';

/**
 * Forward-only, versioned migrations. Append new ones with the next number; never edit one that has shipped.
 * Every statement here runs on SQLite and PostgreSQL alike (no dialect branches).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its own time, not today's types.
type AnyDb = Kysely<any>;

const ms = 'bigint' as const;

const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('login', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('created_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('expires_at', ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await db.schema
      .createTable('channels')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('live_broadcast_id', 'text')
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('updated_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('stream_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('revoked_at', ms)
      .execute();
    await db.schema.createIndex('stream_keys_channel').on('stream_keys').column('channel').execute();
    await db.schema
      .createTable('broadcasts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('started_at', ms, (c) => c.notNull())
      .addColumn('ended_at', ms)
      .addColumn('peak_viewers', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('viewer_sample_sum', ms, (c) => c.notNull().defaultTo(0))
      .addColumn('viewer_samples', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('broadcasts_channel').on('broadcasts').columns(['channel', 'id']).execute();
    await db.schema
      .createTable('follows')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('created_at', ms, (c) => c.notNull())
      .addPrimaryKeyConstraint('follows_pk', ['user_id', 'channel'])
      .execute();
    await db.schema.createIndex('follows_channel').on('follows').column('channel').execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('read_at', ms)
      .addUniqueConstraint('notifications_once', ['user_id', 'broadcast_id'])
      .execute();
    await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();
    await db.schema
      .createTable('subscriptions')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('tier', 'integer', (c) => c.notNull())
      .addColumn('started_at', ms, (c) => c.notNull())
      .addColumn('expires_at', ms, (c) => c.notNull())
      .addColumn('months', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('subscriptions_pk', ['user_id', 'channel'])
      .execute();
    await db.schema
      .createTable('channel_roles')
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('granted_at', ms, (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_roles_pk', ['channel', 'user_id', 'role'])
      .execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', ms, (c) => c.notNull())
      .addColumn('delivered_at', ms)
      .addColumn('failed_at', ms)
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['delivered_at', 'failed_at', 'next_attempt_at'])
      .execute();
  },
};

/** Channel emotes: images a broadcaster uploads (small, so stored in the row; SQLite has no booleans: 0/1). */
const channelEmotes: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('channel_emotes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull().references('channels.name').onDelete('cascade'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('image_base64', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('subscriber_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ms, (c) => c.notNull())
      .addUniqueConstraint('channel_emotes_code', ['channel', 'code'])
      .execute();
  },
};

/**
 * The VOD archive's index: renditions and segments per broadcast (bytes live in the media store, by key), clips, and
 * a mark on a broadcast whose VOD was deleted. No foreign key to broadcasts: the archive may index a segment before
 * the broadcast's row is written (that runs behind its own queue). Flags are integers 0/1 (SQLite has no booleans).
 */
const vod: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('broadcasts').addColumn('vod_deleted_at', ms).execute();
    await db.schema
      .createTable('vod_renditions')
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('codec', 'text', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('frame_rate', 'double precision')
      .addColumn('channels', 'integer')
      .addPrimaryKeyConstraint('vod_renditions_pk', ['broadcast_id', 'rendition'])
      .execute();
    await db.schema
      .createTable('vod_segments')
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('msn', 'integer', (c) => c.notNull())
      .addColumn('start_us', ms, (c) => c.notNull())
      .addColumn('duration_us', ms, (c) => c.notNull())
      .addColumn('program_date_time_ms', ms, (c) => c.notNull())
      .addColumn('discontinuity', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('init_key', 'text', (c) => c.notNull())
      .addColumn('bytes', ms, (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull().defaultTo(1))
      .addPrimaryKeyConstraint('vod_segments_pk', ['broadcast_id', 'rendition', 'seq'])
      .execute();
    await db.schema
      .createIndex('vod_segments_start')
      .on('vod_segments')
      .columns(['broadcast_id', 'rendition', 'start_us'])
      .execute();
    await db.schema
      .createTable('clips')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('start_us', ms, (c) => c.notNull())
      .addColumn('duration_us', ms, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('video_key', 'text')
      .addColumn('thumbnail_key', 'text')
      .addColumn('bytes', ms)
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('ready_at', ms)
      .execute();
    await db.schema.createIndex('clips_channel').on('clips').columns(['channel', 'id']).execute();
    await db.schema.createIndex('clips_creator').on('clips').columns(['created_by', 'created_at']).execute();
  },
};

/** Every migration, by version. Kysely runs the missing ones in name order at start. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_channel_emotes': channelEmotes,
  '0003_vod': vod,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
