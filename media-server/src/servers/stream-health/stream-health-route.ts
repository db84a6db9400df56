import { isDatabaseDown, type Platform, RateBuckets } from '@glint/platform';
import type { FastifyInstance } from 'fastify';
import type { StreamHub } from '../../stream/hub.ts';
import { refuse, refuseAnonymous, signedIn } from '../vod/vod-media.ts';
import { StreamHealthBoard } from './stream-health-board.ts';

export interface StreamHealthRouteOptions {
  readonly hub: StreamHub;
  readonly platform: Platform;
  /** Requests one address may make per minute (a dashboard polls every 2 s: 30). Default 120. */
  readonly perMinutePerAddress?: number;
  readonly clock?: () => number;
}

/** Channel names as the platform makes them (its owner's login, lower case). */
const CHANNEL = /^[a-z0-9_]{3,25}$/;

/**
 * GET /api/channels/<channel>/health: the live ingest's bitrate, frame rate, keyframe interval and dropped frames,
 * for the channel's broadcaster only (401 anonymous, 403 anyone else, 404 when nothing is publishing). Each address
 * has its own per-minute allowance, counted before the session is looked up.
 */
export async function streamHealthRoutes(app: FastifyInstance, options: StreamHealthRouteOptions): Promise<void> {
  const { platform } = options;
  const board = new StreamHealthBoard(options.hub, options.clock);
  const buckets = new RateBuckets({ max: options.perMinutePerAddress ?? 120, windowMs: 60_000, maxKeys: 50_000 });
  app.addHook('onClose', async () => board.close());

  app.get('/api/channels/:name/health', async (request, reply) => {
    const waitMs = buckets.take(request.ip);
    if (waitMs > 0) {
      const sec = Math.ceil(waitMs / 1000);
      return refuse(
        reply.header('Retry-After', String(sec)),
        429,
        'RATE_LIMITED',
        `too many health requests from your address; try again in ${sec} s`,
      );
    }
    const { name } = request.params as { name: string };
    if (!CHANNEL.test(name)) {
      return refuse(reply, 400, 'BAD_CHANNEL', 'a channel name is 3 to 25 lower-case letters, digits or "_"');
    }
    try {
      const user = await signedIn(platform, request);
      if (!user) return refuseAnonymous(reply);
      const channel = await platform.channels.get(name);
      if (!channel) return refuse(reply, 404, 'NO_SUCH_CHANNEL', `there is no channel ${name}`);
      if (channel.ownerId !== user.id) {
        return refuse(reply, 403, 'FORBIDDEN', `only the broadcaster of ${name} may see its stream health`);
      }
    } catch (error) {
      if (!isDatabaseDown(error)) throw error;
      return refuse(
        reply.header('Retry-After', '5'),
        503,
        'UNAVAILABLE',
        'the channel database is not answering; try again in a few seconds',
      );
    }
    const health = board.health(name);
    if (!health) {
      return refuse(reply, 404, 'NOT_LIVE', `${name} is not live: nothing is publishing to it now`);
    }
    return reply.header('Cache-Control', 'no-store').send(health);
  });
}
