import { sql } from 'kysely';
import { notFound } from '../errors.ts';
import { type PageRequest, type PageResult, pageSize, toPage } from '../pagination.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { LiveEvent, NotificationEvent } from './platform-events.ts';

export type NotificationInfo = NotificationEvent['notification'];

export interface NotificationPage extends PageResult<NotificationInfo> {
  readonly unreadCount: number;
}

/**
 * One notification per follower per broadcast: stored, listed, marked read, and announced on the event bus for the
 * push channel. The database's unique (user_id, broadcast_id) makes "once per broadcast" hold even if go-live were
 * seen twice.
 */
export class Notifications {
  readonly #deps: ServiceDeps;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #unsubscribe: () => void;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.events.broadcast.add((event) => {
      if (event.type === 'stream.online') this.#track(this.notifyFollowers(event));
    });
  }

  /**
   * Stores a 'live' notification for every follower of the channel who has none for this broadcast, in one
   * statement, and announces each new one. A notification's id is the broadcast id then the user id: unique by
   * construction, and ordered by broadcast start (newest first is newest broadcast first). Returns how many.
   */
  async notifyFollowers(event: LiveEvent): Promise<number> {
    const { db, nowMs, events } = this.#deps;
    const createdAt = nowMs();
    const rows = await db
      .insertInto('notifications')
      .columns(['id', 'user_id', 'kind', 'channel', 'broadcast_id', 'created_at'])
      .expression(
        db
          .selectFrom('follows')
          .select([
            sql<string>`cast(${event.broadcastId} as text) || follows.user_id`.as('id'),
            'follows.user_id',
            sql<string>`cast(${'live'} as text)`.as('kind'),
            'follows.channel',
            sql<string>`cast(${event.broadcastId} as text)`.as('broadcast_id'),
            sql<number>`cast(${createdAt} as bigint)`.as('created_at'),
          ])
          // SQLite needs a WHERE in an INSERT … SELECT with an upsert clause; this one is the point anyway.
          .where('follows.channel', '=', event.channel),
      )
      .onConflict((oc) => oc.columns(['user_id', 'broadcast_id']).doNothing())
      .returning(['id', 'user_id'])
      .execute();
    for (const row of rows) {
      events.notification.emit({
        userId: row.user_id,
        notification: {
          id: row.id,
          kind: 'live',
          channel: event.channel,
          broadcastId: event.broadcastId,
          title: event.title,
          createdAt,
          readAt: null,
        },
      });
    }
    return rows.length;
  }

  /** The user's notifications, newest first, with how many are unread in all. */
  async list(userId: string, page: PageRequest): Promise<NotificationPage> {
    const { db } = this.#deps;
    let query = db
      .selectFrom('notifications as n')
      .leftJoin('broadcasts as b', 'b.id', 'n.broadcast_id')
      .select(['n.id', 'n.kind', 'n.channel', 'n.broadcast_id', 'n.created_at', 'n.read_at', 'b.title'])
      .where('n.user_id', '=', userId)
      .orderBy('n.id', 'desc')
      .limit(pageSize(page) + 1);
    if (page.cursor !== undefined) query = query.where('n.id', '<', page.cursor);
    const [rows, unread] = await Promise.all([
      query.execute(),
      db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow(),
    ]);
    const result = toPage(
      rows,
      page,
      (r) => r.id,
      (r): NotificationInfo => ({
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        broadcastId: r.broadcast_id,
        title: r.title ?? '',
        createdAt: r.created_at,
        readAt: r.read_at,
      }),
    );
    return { ...result, unreadCount: Number(unread.n) };
  }

  /** Marks one of the user's notifications read (again is fine); someone else's is "not found", like a missing one. */
  async markRead(userId: string, id: string): Promise<void> {
    const { db, nowMs } = this.#deps;
    const result = await db
      .updateTable('notifications')
      .set({ read_at: nowMs() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return;
    const exists = await db
      .selectFrom('notifications')
      .select('id')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!exists) throw notFound('notification');
  }

  /** Marks every unread notification of the user read; returns how many. */
  async markAllRead(userId: string): Promise<number> {
    const result = await this.#deps.db
      .updateTable('notifications')
      .set({ read_at: this.#deps.nowMs() })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Waits for the notifications of go-live events already emitted (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.settled();
  }

  #track(work: Promise<unknown>): void {
    const tracked = work
      .catch((err: unknown) => this.#deps.logger.error({ err, emitter: 'notifications' }, 'notifications not stored'))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}
