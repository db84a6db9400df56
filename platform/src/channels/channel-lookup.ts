import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../db/open-database.ts';
import type { ChannelRow, Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';

/** The channel's row, or a 404 naming it: every channel-scoped service call starts here. */
export async function requireChannel(db: Kysely<Database>, name: string): Promise<ChannelRow> {
  const row = await db.selectFrom('channels').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(`channel ${name}`);
  return row;
}

/** The user with this login (any case), or a 404 naming it. */
export async function requireUserByLogin(db: Kysely<Database>, login: string): Promise<{ id: string; login: string }> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'login'])
    .where('login', '=', login.toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound(`user ${login}`);
  return row;
}

/**
 * Serializes a follow and a ban of the same user (PostgreSQL; SQLite runs one transaction at a time anyway): without
 * it, a follow checked before a ban commits could be written after the ban removed the user's follows. NO KEY UPDATE
 * leaves inserts that only reference the user (sessions, follows) unblocked.
 */
export async function lockUser(trx: Transaction<Database>, dialect: Dialect, userId: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute();
}
