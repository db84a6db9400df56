import { type Platform, RateBuckets } from '@glint/platform';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ClipError } from '../../vod/clips/clip-error.ts';
import { ClipJobs } from '../../vod/clips/clip-jobs.ts';
import { ClipMaker } from '../../vod/clips/clip-maker.ts';
import { checkRange, PLATFORM_ID, parseClipRequest, toClipItem } from '../../vod/clips/clip-request.ts';
import type { Vod } from '../../vod/vod.ts';
import { channelListRequest, refuse, refuseAnonymous, sendStored, signedIn } from './vod-media.ts';

export interface ClipRoutesOptions {
  readonly vod: Vod;
  readonly platform: Platform;
  readonly logger: Logger;
  /** Clips one user (anonymous: one address) may ask for per hour. */
  readonly perHourPerUser: number;
  /** Clips waiting at once over every user. */
  readonly maxQueued: number;
}

export interface ClipRoutesHandle {
  close(): Promise<void>;
}

const MEDIA = /^([0-9a-z]{8,40})\.(mp4|jpg)$/;
/** A clip request is a few short fields. */
const BODY_LIMIT_BYTES = 2048;
const STATUS: Record<string, number> = {
  CLIP_RANGE_INVALID: 400,
  CLIP_BAD_REQUEST: 400,
  NO_SUCH_VOD: 404,
  NO_SUCH_CLIP: 404,
  NOT_LIVE: 404,
};

/** Clip creation (background, status to poll), clip media, pages' API. */
export function registerClipRoutes(app: FastifyInstance, options: ClipRoutesOptions): ClipRoutesHandle {
  const { vod, platform, logger } = options;
  const index = platform.vods;
  const buckets = new RateBuckets({ max: options.perHourPerUser, windowMs: 3_600_000, maxKeys: 100_000 });
  // Made now: its `startedAtMs` marks this process's start, for recovering clips a killed process left.
  const jobs = new ClipJobs({
    maker: new ClipMaker({ store: vod.store, index }),
    index,
    store: vod.store,
    logger,
    maxQueued: options.maxQueued,
  });

  app.post(
    '/api/clips',
    { bodyLimit: BODY_LIMIT_BYTES, errorHandler: bodyErrors },
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const asked = parseClipRequest(request.body);
        const user = await signedIn(platform, request);
        const target = await resolveTarget(asked);
        const limiter = user ? `user:${user.id}` : `addr:${request.ip}`;
        const waitMs = buckets.take(limiter);
        if (waitMs > 0) {
          const sec = Math.ceil(waitMs / 1000);
          return refuse(reply.header('Retry-After', String(sec)), 429, 'CLIP_RATE_LIMITED', rateMessage(sec));
        }
        if (jobs.full) {
          buckets.refund(limiter);
          return refuse(
            reply.header('Retry-After', '10'),
            503,
            'CLIP_QUEUE_FULL',
            'too many clips are being made right now; try again in a few seconds',
          );
        }
        const clip = await index.createClip({
          channel: target.channel,
          broadcastId: target.broadcastId,
          title: asked.title ?? `${target.channel} clip`,
          createdBy: user?.id ?? null,
          startUs: target.startUs,
          durationUs: target.durationUs,
        });
        if (!jobs.enqueue(clip.id)) {
          await index.updateClip(clip.id, { status: 'failed', error: 'the clip queue filled up; ask again' });
          buckets.refund(limiter);
          return refuse(reply, 503, 'CLIP_QUEUE_FULL', 'too many clips are being made right now; try again shortly');
        }
        logger.info({ clipId: clip.id, broadcastId: clip.broadcastId, durationUs: clip.durationUs }, 'clip queued');
        return reply.code(202).header('Cache-Control', 'no-store').send(toClipItem(clip));
      } catch (error) {
        return refuseClipError(reply, error);
      }
    },
  );

  /** A live request becomes the last `seconds` of what is archived of the broadcast on air; a VOD range is checked. */
  async function resolveTarget(asked: ReturnType<typeof parseClipRequest>) {
    if (asked.kind === 'live') {
      const onAir = platform.broadcasts.onAir(asked.channel);
      const last = onAir && (await index.lastSegments(onAir.broadcastId)).find((s) => s.rendition === 'video');
      if (!onAir || !last) {
        throw new ClipError('NOT_LIVE', `${asked.channel} is not live (or nothing of it is archived yet)`);
      }
      const endUs = last.startUs + last.durationUs;
      const durationUs = Math.round(asked.seconds * 1e6);
      if (endUs < durationUs) {
        throw new ClipError(
          'CLIP_RANGE_INVALID',
          `only ${(endUs / 1e6).toFixed(1)} s of this broadcast are archived yet; ask for a shorter clip`,
        );
      }
      return { channel: asked.channel, broadcastId: onAir.broadcastId, startUs: endUs - durationUs, durationUs };
    }
    const summary = await index.summary(asked.broadcastId);
    if (!summary) throw new ClipError('NO_SUCH_VOD', `there is no VOD ${asked.broadcastId}`);
    checkRange(asked.startSec, asked.endSec, summary.durationUs);
    const startUs = Math.round(asked.startSec * 1e6);
    return {
      channel: summary.channel,
      broadcastId: summary.broadcastId,
      startUs,
      durationUs: Math.round(asked.endSec * 1e6) - startUs,
    };
  }

  app.get('/api/clips/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!PLATFORM_ID.test(id)) return refuse(reply, 404, 'NO_SUCH_CLIP', `there is no clip ${id}`);
    const clip = await index.clip(id);
    if (!clip) return refuse(reply, 404, 'NO_SUCH_CLIP', `there is no clip ${id}`);
    return reply.header('Cache-Control', 'no-cache').send(toClipItem(await jobs.recover(clip)));
  });

  app.get('/api/channels/:name/clips', async (request, reply) => {
    const asked = await channelListRequest(request, reply, platform, PLATFORM_ID);
    if (!('page' in asked)) return asked;
    const page = await index.listClips(asked.channel, asked.page);
    const items = await Promise.all(page.items.map((clip) => jobs.recover(clip)));
    return reply.header('Cache-Control', 'no-cache').send({ items: items.map(toClipItem), next: page.nextCursor });
  });

  app.delete('/api/clips/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const user = await signedIn(platform, request);
    if (!user) return refuseAnonymous(reply);
    const clip = PLATFORM_ID.test(id) ? await index.clip(id) : undefined;
    if (!clip) return refuse(reply, 404, 'NO_SUCH_CLIP', `there is no clip ${id}`);
    const channel = await platform.channels.get(clip.channel);
    if (clip.createdBy !== user.id && channel?.ownerId !== user.id) {
      return refuse(
        reply,
        403,
        'FORBIDDEN',
        `only whoever made this clip or the broadcaster of ${clip.channel} may delete it`,
      );
    }
    const keys = await index.deleteClip(id);
    await vod.store.delete(keys);
    logger.info({ clipId: id, by: user.id }, 'clip deleted');
    return reply.code(204).send();
  });

  app.get('/clips/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const match = MEDIA.exec(file);
    if (!match) return refuse(reply, 404, 'NO_SUCH_CLIP', 'a clip file is <id>.mp4 or <id>.jpg');
    const [, id = '', ext] = match;
    const clip = await index.clip(id);
    const key = ext === 'mp4' ? clip?.videoKey : clip?.thumbnailKey;
    if (clip?.status !== 'ready' || !key) {
      return refuse(reply, 404, 'NO_SUCH_CLIP', `clip ${id} does not exist or is not ready yet`);
    }
    return sendStored(request, reply, vod.store, key, ext === 'mp4' ? 'video/mp4' : 'image/jpeg');
  });

  return { close: () => jobs.close() };
}

function rateMessage(sec: number): string {
  return `you have made too many clips this hour; try again in ${sec} s`;
}

function refuseClipError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ClipError) return refuse(reply, STATUS[error.code] ?? 500, error.code, error.message);
  throw error;
}

/** Body problems Fastify finds before the handler, in the server's `{code, message}` form. */
function bodyErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refuse(reply, 413, 'CLIP_BAD_REQUEST', `a clip request is at most ${BODY_LIMIT_BYTES} bytes of JSON`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refuse(reply, 415, 'CLIP_BAD_REQUEST', 'send the clip request as Content-Type: application/json');
    default:
      if ((error.statusCode ?? 500) < 500) {
        return refuse(reply, 400, 'CLIP_BAD_REQUEST', `the request body is not valid JSON: ${error.message}`);
      }
      throw error;
  }
}
