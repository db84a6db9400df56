import { randomBytes } from 'node:crypto';
import type { AuthUser } from '../accounts/accounts.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { BroadcastEvent } from './platform-events.ts';
import { checkWebhookUrl } from './webhook-target.ts';
import { type WebhookDeliveryOptions, WebhookWorker } from './webhook-worker.ts';

export interface WebhooksOptions extends WebhookDeliveryOptions {
  /** Webhooks one channel may have. */
  readonly maxPerChannel: number;
}

export const DEFAULT_WEBHOOKS_OPTIONS: WebhooksOptions = {
  maxPerChannel: 10,
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60_000,
  maxAttempts: 8,
  requestTimeoutMs: 5000,
  concurrency: 8,
  pollIntervalMs: 1000,
  allowPrivateTargets: false,
  retainDeliveriesMs: 7 * 24 * 3600_000,
};

/** A webhook as its channel's broadcaster sees it in a list. */
export interface WebhookInfo {
  readonly id: string;
  readonly url: string;
  readonly createdAt: number;
}

/** A webhook just created: the only time its signing secret is shown. */
export interface NewWebhook extends WebhookInfo {
  readonly secret: string;
}

/** The JSON body every webhook of the event receives, byte for byte (what is signed). */
export interface WebhookBody {
  readonly id: string;
  readonly type: BroadcastEvent['type'];
  readonly channel: string;
  readonly createdAt: number;
  readonly data: Omit<BroadcastEvent, 'type' | 'eventId' | 'channel'>;
}

/**
 * Per-channel webhooks signed with HMAC-SHA256. A go-live or offline event writes one outbox row per webhook of the
 * channel (so an event survives a restart and a receiver that is down); the worker delivers them with retries.
 */
export class Webhooks {
  readonly #deps: ServiceDeps;
  readonly #options: WebhooksOptions;
  readonly #worker: WebhookWorker;
  readonly #pending = new Set<Promise<void>>();
  readonly #unsubscribe: () => void;

  constructor(deps: ServiceDeps, options: Partial<WebhooksOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_WEBHOOKS_OPTIONS, ...options };
    this.#worker = new WebhookWorker(deps, this.#options);
    this.#unsubscribe = deps.events.broadcast.add((event) => this.#track(this.#enqueue(event)));
  }

  /** Registers a webhook on the caller's own channel; the answer holds the secret, shown this once. */
  async create(user: AuthUser, channel: string, url: string): Promise<NewWebhook> {
    await this.#requireOwner(user, channel);
    const target = checkWebhookUrl(url, this.#options.allowPrivateTargets);
    const { db, nowMs, dialect } = this.#deps;
    const createdAt = nowMs();
    const hook: NewWebhook = {
      id: newId(createdAt),
      url: target,
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      createdAt,
    };
    await db.transaction().execute(async (tx) => {
      // Two creates at once must not both see 9: PostgreSQL locks the channel row; SQLite runs one transaction at a time.
      const lock = tx.selectFrom('channels').select('name').where('name', '=', channel);
      await (dialect === 'postgres' ? lock.forUpdate() : lock).execute();
      const count = await tx
        .selectFrom('webhooks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel', '=', channel)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= this.#options.maxPerChannel) {
        throw conflict(
          'TOO_MANY_WEBHOOKS',
          `a channel has at most ${this.#options.maxPerChannel} webhooks; delete one before adding another`,
        );
      }
      await tx
        .insertInto('webhooks')
        .values({ id: hook.id, channel, url: hook.url, secret: hook.secret, created_at: createdAt })
        .execute();
    });
    return hook;
  }

  /** The channel's webhooks, oldest first, without their secrets. */
  async list(user: AuthUser, channel: string): Promise<WebhookInfo[]> {
    await this.#requireOwner(user, channel);
    const rows = await this.#deps.db
      .selectFrom('webhooks')
      .select(['id', 'url', 'created_at'])
      .where('channel', '=', channel)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, url: r.url, createdAt: r.created_at }));
  }

  /** Deletes the webhook and its undelivered outbox rows (a deleted webhook receives nothing more). */
  async remove(user: AuthUser, channel: string, id: string): Promise<void> {
    await this.#requireOwner(user, channel);
    const { db } = this.#deps;
    const result = await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      return tx.deleteFrom('webhooks').where('id', '=', id).where('channel', '=', channel).executeTakeFirst();
    });
    if (result.numDeletedRows === 0n) throw notFound('webhook');
  }

  /** Waits for outbox writes of events already emitted (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.settled();
    await this.#worker.close();
  }

  async #requireOwner(user: AuthUser, channel: string): Promise<void> {
    const row = await this.#deps.db
      .selectFrom('channels')
      .select('owner_id')
      .where('name', '=', channel)
      .executeTakeFirst();
    if (!row) throw notFound(`channel ${channel}`);
    if (row.owner_id !== user.id) throw forbidden('only the channel’s broadcaster manages its webhooks');
  }

  async #enqueue(event: BroadcastEvent): Promise<void> {
    const { db, nowMs } = this.#deps;
    const hooks = await db.selectFrom('webhooks').select('id').where('channel', '=', event.channel).execute();
    if (hooks.length === 0) return;
    const now = nowMs();
    const { type, eventId, channel, ...data } = event;
    const body: WebhookBody = { id: eventId, type, channel, createdAt: now, data };
    const payload = JSON.stringify(body);
    await db
      .insertInto('webhook_deliveries')
      .values(
        hooks.map((hook) => ({
          id: newId(now),
          webhook_id: hook.id,
          event_id: eventId,
          event_type: type,
          payload,
          next_attempt_at: now,
          delivered_at: null,
          failed_at: null,
          last_status: null,
          last_error: null,
        })),
      )
      .execute();
    this.#worker.wake();
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) =>
        this.#deps.logger.error({ err, emitter: 'webhooks' }, 'webhook deliveries not written to the outbox'),
      )
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}
