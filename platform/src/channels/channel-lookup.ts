import type { Kysely } from 'kysely';
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
