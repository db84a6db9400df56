import type { Platform, VodSummary } from '@glint/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { VodPlaylists, type VodPlaylistsStats } from '../../vod/playlists/vod-playlists.ts';
import { VodThumbnails } from '../../vod/thumbnails.ts';
import type { Vod } from '../../vod/vod.ts';
import { channelListRequest, refuse, refuseAnonymous, sendPlaylist, sendStored, signedIn } from './vod-media.ts';

export interface VodRoutesOptions {
  readonly vod: Vod;
  readonly platform: Platform;
  readonly logger: Logger;
  /** Rendered playlists kept in memory, bytes (default 64 MiB). */
  readonly playlistCacheBytes?: number;
  /** Whether a channel's broadcasts are archived (all by default; the endless demo only when asked). */
  readonly archives?: (channel: string) => boolean;
}

export interface VodRoutesHandle {
  /** Drops a VOD's cached playlists (its segments changed: deleted, or one found corrupt). */
  forget(broadcastId: string): void;
  readonly stats: VodPlaylistsStats;
  close(): Promise<void>;
}

/** What the channel page lists (the HTTP contract of vod-design.md). */
export interface VodItem {
  readonly id: string;
  readonly channel: string;
  readonly title: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly state: 'recording' | 'ready';
  readonly durationSec: number;
  readonly playlistUrl: string;
  readonly pageUrl: string;
  readonly thumbnailUrl: string | null;
}

/** Platform ids: time-ordered base 36 (platform/src/ids.ts). */
const BROADCAST_ID = /^[0-9a-z]{8,40}$/;
const RENDITION = /^[A-Za-z0-9_-]{1,32}$/;
const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT = /^(0|[1-9][0-9]{0,9})\.m4s$/;
const INIT = /^init-[0-9a-f]{16}\.mp4$/;

export function toVodItem(summary: VodSummary): VodItem {
  const id = summary.broadcastId;
  return {
    id,
    channel: summary.channel,
    title: summary.title,
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    state: summary.state,
    durationSec: Math.round(summary.durationUs / 1000) / 1000,
    playlistUrl: `/vods/${id}/index.m3u8`,
    pageUrl: `/vod/${id}`,
    thumbnailUrl: `/vods/${id}/thumbnail.jpg`,
  };
}

function badId(reply: FastifyReply): FastifyReply {
  return refuse(reply, 400, 'BAD_BROADCAST_ID', 'a VOD id is the broadcast id: 8 to 40 lowercase letters and digits');
}

function noSuchVod(reply: FastifyReply, id: string): FastifyReply {
  return refuse(reply, 404, 'NO_SUCH_VOD', `there is no VOD ${id}: it never existed or was deleted`);
}

/**
 * VOD and DVR playlists (from the archive's index, cached), archived media (from the store), the VOD list, detail and
 * delete API, and where a live channel's DVR playlist is. Every path part is checked before the index or the disk is.
 */
export function registerVodRoutes(app: FastifyInstance, options: VodRoutesOptions): VodRoutesHandle {
  const { vod, platform, logger } = options;
  const playlists = new VodPlaylists({
    index: vod.index,
    ...(options.playlistCacheBytes !== undefined ? { maxCacheBytes: options.playlistCacheBytes } : {}),
  });

  app.get('/vods/:id/index.m3u8', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!BROADCAST_ID.test(id)) return badId(reply);
    const playlist = await playlists.multivariant(id);
    if (!playlist) return noSuchVod(reply, id);
    return sendPlaylist(request, reply, playlist);
  });

  const thumbnails = new VodThumbnails({ store: vod.store, index: vod.index, logger });
  app.get('/vods/:id/thumbnail.jpg', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!BROADCAST_ID.test(id)) return badId(reply);
    const made = await thumbnails.get(id);
    if (!made) return refuse(reply, 404, 'NO_THUMBNAIL', `VOD ${id} has no archived video to show (yet)`);
    const bytes = await vod.store.get(made.key);
    if (!bytes) return refuse(reply, 404, 'NO_THUMBNAIL', `VOD ${id} has no thumbnail`);
    // A recording broadcast's picture changes every minute; an ended one's never (its URL dies with the VOD).
    return reply
      .type('image/jpeg')
      .header('Cache-Control', made.recording ? 'public, max-age=60' : 'public, max-age=86400')
      .send(bytes);
  });

  app.get('/vods/:id/:rendition/:file', async (request, reply) => {
    const { id, rendition, file } = request.params as { id: string; rendition: string; file: string };
    if (!BROADCAST_ID.test(id)) return badId(reply);
    if (!RENDITION.test(rendition)) {
      return refuse(
        reply,
        400,
        'BAD_RENDITION',
        'a rendition is 1 to 32 letters, digits, "_" or "-" (e.g. video, audio, 480p)',
      );
    }
    if (file === 'index.m3u8') {
      const playlist = await playlists.media(id, rendition);
      if (!playlist) {
        return (await vod.index.summary(id))
          ? refuse(reply, 404, 'NO_SUCH_RENDITION', `VOD ${id} has no rendition ${rendition}`)
          : noSuchVod(reply, id);
      }
      return sendPlaylist(request, reply, playlist);
    }
    const audio = rendition === 'audio';
    if (SEGMENT.test(file)) {
      return sendStored(
        request,
        reply,
        vod.store,
        `vod/${id}/${rendition}/${file}`,
        audio ? 'audio/mp4' : 'video/iso.segment',
      );
    }
    if (INIT.test(file)) {
      return sendStored(request, reply, vod.store, `vod/${id}/${rendition}/${file}`, audio ? 'audio/mp4' : 'video/mp4');
    }
    return refuse(reply, 400, 'BAD_MEDIA_NAME', 'a VOD file is index.m3u8, <seq>.m4s or init-<16 hex>.mp4');
  });

  app.get('/api/channels/:name/vods', async (request, reply) => {
    const asked = await channelListRequest(request, reply, platform, BROADCAST_ID);
    if (!('page' in asked)) return asked;
    const page = await vod.index.list(asked.channel, asked.page);
    return reply.header('Cache-Control', 'no-cache').send({ items: page.items.map(toVodItem), next: page.nextCursor });
  });

  app.get('/api/vods/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!BROADCAST_ID.test(id)) return badId(reply);
    const summary = await vod.index.summary(id);
    if (!summary) return noSuchVod(reply, id);
    return reply.header('Cache-Control', 'no-cache').send(toVodItem(summary));
  });

  app.delete('/api/vods/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!BROADCAST_ID.test(id)) return badId(reply);
    const user = await signedIn(platform, request);
    if (!user) return refuseAnonymous(reply);
    const summary = await vod.index.summary(id);
    if (!summary) return noSuchVod(reply, id);
    const channel = await platform.channels.get(summary.channel);
    if (channel?.ownerId !== user.id) {
      return refuse(reply, 403, 'FORBIDDEN', `only the broadcaster of ${summary.channel} may delete its VODs`);
    }
    if (summary.state === 'recording') {
      return refuse(reply, 409, 'VOD_RECORDING', 'this broadcast is still on air; delete its VOD once it has ended');
    }
    await vod.deleteVod(id);
    playlists.forget(id);
    logger.info({ broadcastId: id, channel: summary.channel }, 'VOD deleted by its broadcaster');
    return reply.code(204).send();
  });

  app.get('/api/channels/:name/dvr', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!CHANNEL.test(name))
      return refuse(reply, 400, 'BAD_CHANNEL', 'a channel name is 1 to 64 letters, digits, "_" or "-"');
    const onAir = platform.broadcasts.onAir(name);
    if (onAir && options.archives?.(name) === false) {
      return refuse(
        reply,
        404,
        'NOT_ARCHIVED',
        `${name} is live, but its broadcasts are not archived: nothing to rewind`,
      );
    }
    // A DVR with nothing archived yet has nothing to rewind to: not offered until the first segment is indexed.
    const summary = onAir && (await vod.index.summary(onAir.broadcastId));
    if (!onAir || !summary || summary.state !== 'recording') {
      return refuse(reply, 404, 'NOT_LIVE', `${name} has no recording broadcast to rewind; try again once it is live`);
    }
    return reply
      .header('Cache-Control', 'no-cache')
      .send({ broadcastId: onAir.broadcastId, playlistUrl: `/vods/${onAir.broadcastId}/index.m3u8` });
  });

  return {
    forget: (id) => playlists.forget(id),
    get stats() {
      return playlists.stats;
    },
    close: async () => {},
  };
}
