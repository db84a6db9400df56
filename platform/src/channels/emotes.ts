import { Listeners } from '@glint/media-core';
import type { AuthUser } from '../accounts/accounts.ts';
import { badRequest, conflict, notFound, PlatformError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { requireChannel } from './channel-lookup.ts';
import { type GlobalEmote, globalEmotes } from './global-emotes.ts';
import { type EmoteImageType, sniffImageType } from './image-type.ts';

export const EMOTE_LIMITS = {
  /** Decoded bytes of one image. */
  maxImageBytes: 32 * 1024,
  perChannel: 50,
} as const;

/** What a chatter types; case-sensitive, so "Hype" in a sentence is not "hype". */
export const EMOTE_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9]{2,19}$/;

/** A channel's emote as anyone may see it (the image is fetched by id). */
export interface ChannelEmote {
  readonly id: string;
  readonly code: string;
  readonly subscriberOnly: boolean;
}

export interface EmoteImage {
  readonly contentType: EmoteImageType | 'image/svg+xml';
  readonly bytes: Buffer;
}

/**
 * Emotes: the built-in global set and each channel's own, uploaded by its broadcaster. An image is checked by its
 * bytes (PNG, GIF or WebP) and size, and stored under a new id each time it changes, so its URL never goes stale.
 */
export class Emotes {
  /** A channel's emotes changed (added, replaced, removed): chat drops its cached set for the channel. */
  readonly changed: Listeners<[channel: string]>;
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.changed = new Listeners('channel emote changes', deps.logger);
  }

  /** Adds the emote, or replaces the image and flag of the channel's emote with this code (it gets a new id). */
  async put(
    channel: string,
    actor: AuthUser,
    code: string,
    imageBase64: string,
    subscriberOnly: boolean,
  ): Promise<ChannelEmote> {
    const { db, nowMs } = this.#deps;
    const info = await requireChannel(db, channel);
    if (info.owner_id !== actor.id) {
      throw new PlatformError(403, 'FORBIDDEN', `only the broadcaster of ${channel} may change its emotes`);
    }
    if (!EMOTE_CODE_PATTERN.test(code)) {
      throw badRequest('BAD_EMOTE_CODE', 'an emote code is a letter then 2 to 19 letters or digits, e.g. "Hype"');
    }
    const bytes = decodeBase64(imageBase64);
    if (bytes.length > EMOTE_LIMITS.maxImageBytes) {
      throw new PlatformError(
        413,
        'EMOTE_TOO_LARGE',
        `the image has ${bytes.length} bytes; an emote may have at most ${EMOTE_LIMITS.maxImageBytes} (32 KiB)`,
      );
    }
    const contentType = sniffImageType(bytes);
    if (contentType === null) {
      throw badRequest('UNSUPPORTED_IMAGE', 'the image must be a PNG, GIF or WebP file (judged by its bytes)');
    }
    const emote = { id: newId(nowMs()), code, subscriberOnly };
    await db.transaction().execute(async (trx) => {
      // The channel's row is locked first on PostgreSQL, so two uploads at once cannot both pass the count.
      if (this.#deps.dialect === 'postgres') {
        await trx.selectFrom('channels').select('name').where('name', '=', channel).forUpdate().execute();
      }
      const replaced = await trx
        .deleteFrom('channel_emotes')
        .where('channel', '=', channel)
        .where('code', '=', code)
        .executeTakeFirst();
      const { count } = await trx
        .selectFrom('channel_emotes')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('channel', '=', channel)
        .executeTakeFirstOrThrow();
      if (replaced.numDeletedRows === 0n && Number(count) >= EMOTE_LIMITS.perChannel) {
        throw conflict(
          'TOO_MANY_EMOTES',
          `${channel} has ${EMOTE_LIMITS.perChannel} emotes, the most a channel may have; delete one first`,
        );
      }
      await trx
        .insertInto('channel_emotes')
        .values({
          id: emote.id,
          channel,
          code,
          image_base64: bytes.toString('base64'),
          content_type: contentType,
          subscriber_only: subscriberOnly ? 1 : 0,
          created_at: nowMs(),
        })
        .execute();
    });
    this.changed.emit(channel);
    return emote;
  }

  async remove(channel: string, actor: AuthUser, code: string): Promise<void> {
    const { db } = this.#deps;
    const info = await requireChannel(db, channel);
    if (info.owner_id !== actor.id) {
      throw new PlatformError(403, 'FORBIDDEN', `only the broadcaster of ${channel} may change its emotes`);
    }
    const result = await db
      .deleteFrom('channel_emotes')
      .where('channel', '=', channel)
      .where('code', '=', code)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(`emote ${code} of ${channel}`);
    this.changed.emit(channel);
  }

  /** The channel's emotes by code (404 for an unknown channel). */
  async list(channel: string): Promise<ChannelEmote[]> {
    const { db } = this.#deps;
    await requireChannel(db, channel);
    const rows = await db
      .selectFrom('channel_emotes')
      .select(['id', 'code', 'subscriber_only'])
      .where('channel', '=', channel)
      .orderBy('code')
      .execute();
    return rows.map((r) => ({ id: r.id, code: r.code, subscriberOnly: r.subscriber_only === 1 }));
  }

  /** An emote's image by id, global or stored; null when there is none. */
  async image(id: string): Promise<EmoteImage | null> {
    const global = [...globalEmotes().values()].find((e) => e.id === id);
    if (global) return { contentType: 'image/svg+xml', bytes: global.svg };
    const row = await this.#deps.db
      .selectFrom('channel_emotes')
      .select(['image_base64', 'content_type'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? { contentType: row.content_type as EmoteImageType, bytes: Buffer.from(row.image_base64, 'base64') }
      : null;
  }

  /** The built-in set every channel has. */
  global(): readonly GlobalEmote[] {
    return [...globalEmotes().values()];
  }
}

/** Strict base64: Buffer.from skips characters it does not know, so a text that is not base64 would "decode". */
function decodeBase64(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (text.length === 0 || bytes.toString('base64') !== text) {
    throw badRequest('BAD_BASE64', 'body.image must be the image file in standard base64 (with = padding)');
  }
  return bytes;
}
