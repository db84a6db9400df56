import type { ServiceDeps } from '../service-deps.ts';
import { postWebhook } from './webhook-post.ts';
import { signWebhookBody } from './webhook-signature.ts';

export interface WebhookDeliveryOptions {
  /** The first retry waits this long; each next one twice as long, up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Attempts in all, the first one included; then the delivery is marked failed. */
  readonly maxAttempts: number;
  /** A receiver that has not answered within this long has failed the attempt. */
  readonly requestTimeoutMs: number;
  /** Deliveries in flight at once, over all webhooks. */
  readonly concurrency: number;
  /** How often the outbox is read for due deliveries (new events and retries also wake the worker). */
  readonly pollIntervalMs: number;
  /** Deliver to loopback and private addresses (a receiver on this machine or LAN). Off: SSRF protection. */
  readonly allowPrivateTargets: boolean;
  /** Delivered and failed outbox rows are deleted this long after they settled (checked at most once an hour). */
  readonly retainDeliveriesMs: number;
}

interface DueDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly url: string;
  readonly secret: string;
}

/**
 * Delivers the webhook outbox: reads due rows, claims each with a lease (so a second process, or this one after a
 * crash, does not send it twice while an attempt runs), POSTs the signed body, and records the outcome: delivered,
 * due again after a backoff, or failed after the last attempt. Nothing here throws to a caller; errors are logged.
 */
export class WebhookWorker {
  readonly #deps: ServiceDeps;
  readonly #options: WebhookDeliveryOptions;
  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #poll: NodeJS.Timeout;
  #scanning: Promise<void> | undefined;
  #scanAgain = false;
  #prunedAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(deps: ServiceDeps, options: WebhookDeliveryOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#poll = setInterval(() => this.wake(), options.pollIntervalMs);
    this.#poll.unref();
  }

  /** Reads the outbox now (new rows were written, or a slot came free). */
  wake(): void {
    if (this.#closed) return;
    if (this.#scanning) {
      this.#scanAgain = true;
      return;
    }
    this.#scanning = this.#scan()
      .catch((err: unknown) => this.#deps.logger.error({ err }, 'webhook outbox not read'))
      .finally(() => {
        this.#scanning = undefined;
        if (this.#scanAgain) {
          this.#scanAgain = false;
          this.wake();
        }
      });
  }

  /** Stops reading the outbox and abandons attempts in flight: their leases lapse and a later run retries them. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    for (const timer of this.#timers) clearTimeout(timer);
    for (const { controller } of this.#inFlight.values()) controller.abort();
    await this.#scanning;
    await Promise.all([...this.#inFlight.values()].map((f) => f.done));
  }

  async #scan(): Promise<void> {
    const { db, nowMs } = this.#deps;
    if (nowMs() - this.#prunedAt >= 3600_000) await this.#prune();
    const free = this.#options.concurrency - this.#inFlight.size;
    if (free <= 0) return;
    const now = nowMs();
    const rows: DueDelivery[] = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select([
        'd.id as id',
        'd.webhook_id as webhookId',
        'd.event_id as eventId',
        'd.event_type as eventType',
        'd.payload as payload',
        'd.attempts as attempts',
        'd.next_attempt_at as nextAttemptAt',
        'w.url as url',
        'w.secret as secret',
      ])
      .where('d.delivered_at', 'is', null)
      .where('d.failed_at', 'is', null)
      .where('d.next_attempt_at', '<=', now)
      .orderBy('d.next_attempt_at')
      .limit(free)
      .execute();
    for (const row of rows) {
      if (this.#closed || this.#inFlight.size >= this.#options.concurrency) break;
      if (this.#inFlight.has(row.id) || !(await this.#claim(row, now))) continue;
      const controller = new AbortController();
      const done = this.#attempt(row, controller.signal)
        .catch((err: unknown) => this.#deps.logger.error({ err, deliveryId: row.id }, 'webhook attempt not recorded'))
        .finally(() => {
          this.#inFlight.delete(row.id);
          this.wake();
        });
      this.#inFlight.set(row.id, { controller, done });
    }
  }

  /** Deletes settled rows past their retention, so the outbox does not grow without end. */
  async #prune(): Promise<void> {
    const now = this.#deps.nowMs();
    this.#prunedAt = now;
    const cutoff = now - this.#options.retainDeliveriesMs;
    const result = await this.#deps.db
      .deleteFrom('webhook_deliveries')
      .where((eb) => eb.or([eb('delivered_at', '<', cutoff), eb('failed_at', '<', cutoff)]))
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) {
      this.#deps.logger.info({ deleted: Number(result.numDeletedRows) }, 'old webhook deliveries pruned');
    }
  }

  /** Moves the row's next attempt past this attempt's deadline, if nobody else moved it first. */
  async #claim(row: DueDelivery, now: number): Promise<boolean> {
    const leaseMs = this.#options.requestTimeoutMs + 5000;
    const result = await this.#deps.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now + leaseMs })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', row.nextAttemptAt)
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async #attempt(row: DueDelivery, signal: AbortSignal): Promise<void> {
    const { db, nowMs, logger } = this.#deps;
    const timestampSec = Math.floor(nowMs() / 1000);
    const result = await postWebhook({
      url: row.url,
      body: row.payload,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Glint-Webhooks/1',
        'glint-event-id': row.eventId,
        'glint-event-type': row.eventType,
        'glint-timestamp': String(timestampSec),
        'glint-signature': signWebhookBody(row.secret, row.payload, timestampSec),
      },
      timeoutMs: this.#options.requestTimeoutMs,
      allowPrivateTargets: this.#options.allowPrivateTargets,
      signal,
    });
    if (this.#closed && signal.aborted) return;
    const attempts = row.attempts + 1;
    const now = nowMs();
    const status = 'status' in result ? result.status : null;
    const error = 'error' in result ? result.error.slice(0, 500) : status === null ? null : `HTTP ${status}`;
    // Only the origin: a query string may carry the receiver's own token.
    const context = { webhookId: row.webhookId, eventId: row.eventId, target: new URL(row.url).origin, attempts };
    const update = db.updateTable('webhook_deliveries').where('id', '=', row.id);
    if (status !== null && status >= 200 && status < 300) {
      await update.set({ attempts, delivered_at: now, last_status: status, last_error: null }).execute();
      logger.debug(context, 'webhook delivered');
      return;
    }
    if (attempts >= this.#options.maxAttempts) {
      await update.set({ attempts, failed_at: now, last_status: status, last_error: error }).execute();
      logger.warn({ ...context, status, error }, 'webhook delivery failed for good');
      return;
    }
    const delayMs = Math.min(this.#options.backoffMaxMs, this.#options.backoffBaseMs * 2 ** (attempts - 1));
    await update.set({ attempts, next_attempt_at: now + delayMs, last_status: status, last_error: error }).execute();
    logger.warn({ ...context, status, error, retryInMs: delayMs }, 'webhook attempt failed; will retry');
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.wake();
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }
}
