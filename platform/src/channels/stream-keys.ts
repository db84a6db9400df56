import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GlintError } from '@glint/media-core';
import { sha256Hex } from '../accounts/tokens.ts';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** Shorter keys are refused: a chosen key (GLINT_DEMO_STREAM_KEY) must not be guessable. Generated keys are 30+. */
export const MIN_STREAM_KEY_LENGTH = 16;

/** A key that does not meet the minimum; the message says what to do. */
export class WeakStreamKeyError extends GlintError<'STREAM_KEY_TOO_SHORT'> {
  override readonly name = 'WeakStreamKeyError';
  constructor(length: number) {
    super(
      'STREAM_KEY_TOO_SHORT',
      `a stream key needs at least ${MIN_STREAM_KEY_LENGTH} characters (got ${length}); choose a longer one`,
    );
  }
}

/** `live_<channel>_<random>`: recognisable in a settings page, unguessable (128 random bits). */
export function generateStreamKey(channel: string): string {
  return `live_${channel}_${randomBytes(16).toString('base64url')}`;
}

/** The channel a stream key publishes to, as ingest needs it. */
export interface PublishChannel {
  readonly id: string;
  readonly displayName: string;
}

/** What ingest asks before media flows (the publish-admission service holds one). */
export interface StreamKeyStore {
  /** The channel this key publishes to, or null for an unknown, rotated or revoked key. Never logs the key. */
  verify(streamKey: string): Promise<PublishChannel | null>;
}

/**
 * Stream keys stored as SHA-256 digests only: a key is shown once when made, then never again. A channel has at
 * most one active key; rotating or revoking it tells ingest (keyInvalidated) so the live stream on it ends.
 */
export class StreamKeys implements StreamKeyStore {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** A new key for the channel (the old one stops working and its live stream ends). Returns the key, once. */
  async rotate(channel: string, chosenKey?: string): Promise<string> {
    return (await this.issue(channel, chosenKey)).streamKey;
  }

  /** rotate, also saying when the new key was made (the settings page shows it). */
  async issue(channel: string, chosenKey?: string): Promise<{ streamKey: string; createdAt: number }> {
    const key = chosenKey ?? generateStreamKey(channel);
    if (key.length < MIN_STREAM_KEY_LENGTH) throw new WeakStreamKeyError(key.length);
    const { db, nowMs } = this.#deps;
    const now = nowMs();
    const hadKey = await db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('channels').select('name').where('name', '=', channel).executeTakeFirst();
      if (!exists) throw notFound(`channel ${channel}`);
      const revoked = await trx
        .updateTable('stream_keys')
        .set({ revoked_at: now })
        .where('channel', '=', channel)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      // A chosen key used before (the demo's fixed key across restarts) replaces its old row.
      await trx.deleteFrom('stream_keys').where('key_hash', '=', sha256Hex(key)).execute();
      await trx
        .insertInto('stream_keys')
        .values({ id: newId(now), channel, key_hash: sha256Hex(key), created_at: now, revoked_at: null })
        .execute();
      return Number(revoked.numUpdatedRows) > 0;
    });
    if (hadKey) this.#deps.events.keyInvalidated.emit({ channel, reason: 'rotated' });
    return { streamKey: key, createdAt: now };
  }

  /** The channel has no valid key afterwards; a live stream on it ends. False when it had none. */
  async revoke(channel: string): Promise<boolean> {
    const result = await this.#deps.db
      .updateTable('stream_keys')
      .set({ revoked_at: this.#deps.nowMs() })
      .where('channel', '=', channel)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const had = Number(result.numUpdatedRows) > 0;
    if (had) this.#deps.events.keyInvalidated.emit({ channel, reason: 'revoked' });
    return had;
  }

  /** When the active key was made, or null when the channel has none. */
  async activeKeyCreatedAt(channel: string): Promise<number | null> {
    const row = await this.#deps.db
      .selectFrom('stream_keys')
      .select('created_at')
      .where('channel', '=', channel)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.created_at ?? null;
  }

  async verify(streamKey: string): Promise<PublishChannel | null> {
    if (streamKey.length < MIN_STREAM_KEY_LENGTH || streamKey.length > 512) return null;
    const digest = sha256Hex(streamKey);
    const row = await this.#deps.db
      .selectFrom('stream_keys')
      .innerJoin('channels', 'channels.name', 'stream_keys.channel')
      .innerJoin('users', 'users.id', 'channels.owner_id')
      .select(['stream_keys.key_hash', 'stream_keys.revoked_at', 'channels.name', 'users.display_name'])
      .where('stream_keys.key_hash', '=', digest)
      .executeTakeFirst();
    // The index finds the row by digest; the digests are then compared in constant time, so no code path's timing
    // depends on how much of a guessed key matched.
    if (!row || row.revoked_at !== null) return null;
    if (!timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(digest, 'hex'))) return null;
    return { id: row.name, displayName: row.display_name };
  }
}
