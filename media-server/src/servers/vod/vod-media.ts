import { type AuthUser, type Platform, sessionTokenOfHeaders } from '@glint/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RenderedPlaylist } from '../../vod/playlists/vod-playlists.ts';
import type { MediaStore } from '../../vod/storage/types.ts';

/** RFC 8216bis 4: playlists are served as application/vnd.apple.mpegurl. */
export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** Archived media never changes under its name: a segment or an init segment (named by its content's hash). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A recording broadcast's EVENT playlist grows: revalidate (its ETag makes that a 304 until a segment is added). */
export const REVALIDATE = 'no-cache';
/** An ended VOD's playlist changes only when it is deleted or a corrupt segment is found: short-lived caches. */
export const VOD_PLAYLIST_CACHE = 'public, max-age=60';

/** `{code, message}` as every other error of the server. */
export function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').send({ code, message });
}

/** RFC 9110 13.1.2: If-None-Match is a list of entity tags or `*`; a weak comparison is used for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** A playlist with its strong ETag; 304 when the client holds it already. */
export function sendPlaylist(request: FastifyRequest, reply: FastifyReply, playlist: RenderedPlaylist): FastifyReply {
  reply
    .header('ETag', playlist.etag)
    .header('Cache-Control', playlist.ended ? VOD_PLAYLIST_CACHE : REVALIDATE)
    .header('Access-Control-Allow-Origin', '*');
  if (etagMatches(request.headers['if-none-match'], playlist.etag)) return reply.code(304).send();
  return reply.type(PLAYLIST_TYPE).send(playlist.body);
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size`; null when unsatisfiable, undefined when absent. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

/** Streams a stored object (whole or one range) as immutable media; 404 when the store has no such key. */
export async function sendStored(
  request: FastifyRequest,
  reply: FastifyReply,
  store: MediaStore,
  key: string,
  type: string,
): Promise<FastifyReply> {
  const size = await store.size(key);
  if (size === undefined) return refuse(reply, 404, 'NO_SUCH_MEDIA', 'no such segment in this VOD');
  reply
    .header('Cache-Control', IMMUTABLE)
    .header('Access-Control-Allow-Origin', '*')
    .header('Accept-Ranges', 'bytes')
    .type(type);
  const range = parseRange(request.headers.range, size);
  if (range === null) return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  const stream = await store.read(key, range);
  if (!stream) return refuse(reply, 404, 'NO_SUCH_MEDIA', 'no such segment in this VOD');
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  }
  reply.header('Content-Length', String(range ? range.end - range.start + 1 : size));
  return reply.send(stream);
}

const CHANNEL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A channel's list request (`/api/channels/<name>/…?cursor&limit`), checked; or the refusal, already sent. */
export async function channelListRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  platform: Platform,
  cursorPattern: RegExp,
): Promise<{ channel: string; page: { cursor?: string; limit?: number } } | FastifyReply> {
  const { name } = request.params as { name: string };
  const query = request.query as { cursor?: unknown; limit?: unknown };
  if (!CHANNEL_NAME.test(name)) {
    return refuse(reply, 400, 'BAD_CHANNEL', 'a channel name is 1 to 64 letters, digits, "_" or "-"');
  }
  if (query.cursor !== undefined && (typeof query.cursor !== 'string' || !cursorPattern.test(query.cursor))) {
    return refuse(reply, 400, 'BAD_CURSOR', 'cursor is the `next` value of the previous page');
  }
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
    return refuse(reply, 400, 'BAD_LIMIT', 'limit is a whole number from 1 to 100');
  }
  if (!(await platform.channels.get(name))) return refuse(reply, 404, 'NO_SUCH_CHANNEL', `there is no channel ${name}`);
  return {
    channel: name,
    page: {
      ...(typeof query.cursor === 'string' ? { cursor: query.cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
  };
}

/** The signed-in user of a request (session cookie or Bearer token), or null. */
export async function signedIn(platform: Platform, request: FastifyRequest): Promise<AuthUser | null> {
  const token = sessionTokenOfHeaders(request);
  return token === undefined ? null : platform.accounts.identify(token);
}

/** 401 for a request that needs a signed-in user. */
export function refuseAnonymous(reply: FastifyReply): FastifyReply {
  return refuse(
    reply,
    401,
    'UNAUTHENTICATED',
    'log in first: send the session cookie or "Authorization: Bearer <token>"',
  );
}
