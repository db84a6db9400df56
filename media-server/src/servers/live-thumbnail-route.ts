import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ChannelOutput, LlhlsOutputs } from '../adapters/llhls-outputs.ts';
import { type LiveSource, LiveThumbnailError, LiveThumbnails } from '../vod/live-thumbnails.ts';

export interface LiveThumbnailRouteOptions {
  readonly outputs: LlhlsOutputs;
  readonly logger: Logger;
  /** The pictures, if the caller keeps them (a test reads their stats); by default made from `outputs`. */
  readonly thumbnails?: LiveThumbnails;
}

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;

/** The newest complete segment of the channel's source video, from the packager's window (no copy, no disk). */
export function latestLiveSegment(output: ChannelOutput | undefined): ReturnType<LiveSource> {
  if (!output || output.ended) return null;
  const video = output.packager.rendition('video');
  const segment = video?.segment(video.lastCompleteMsn);
  const init = segment && video?.initByUri(segment.mapUri);
  return {
    broadcastId: output.broadcastId,
    segment: segment && init ? { msn: segment.msn, init, bytes: segment.bytes } : null,
  };
}

/**
 * GET /live/<channel>/thumbnail.jpg: a JPEG of the live channel (at most 640 wide), taken from its LL-HLS output
 * at most once a minute and cached by browsers until the next one is due. 404 for an offline or malformed channel
 * (nothing is made), 503 with Retry-After while no picture can be had.
 */
export async function liveThumbnailRoutes(app: FastifyInstance, options: LiveThumbnailRouteOptions): Promise<void> {
  const thumbnails =
    options.thumbnails ??
    new LiveThumbnails({
      source: (channel) => latestLiveSegment(options.outputs.get(channel)),
      logger: options.logger.child({ component: 'live-thumbnails' }),
    });
  app.addHook('onClose', async () => thumbnails.close());

  app.get('/live/:channel/thumbnail.jpg', async (request, reply) => {
    const { channel } = request.params as { channel: string };
    reply.header('Cache-Control', 'no-cache');
    if (!CHANNEL.test(channel)) {
      return reply.code(404).send({ code: 'NO_SUCH_CHANNEL', message: 'no such channel: check the name' });
    }
    try {
      const picture = await thumbnails.get(channel);
      reply
        .header('ETag', picture.etag)
        .header('Last-Modified', new Date(picture.madeAtMs).toUTCString())
        .header('Cache-Control', `public, max-age=${Math.max(5, thumbnails.freshForSec(picture))}`);
      if (request.headers['if-none-match'] === picture.etag) return reply.code(304).send();
      const { jpeg } = picture;
      return reply.type('image/jpeg').send(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
    } catch (error) {
      if (!(error instanceof LiveThumbnailError)) throw error;
      if (error.retryAfterSec !== null) reply.header('Retry-After', String(error.retryAfterSec));
      const status = error.code === 'CHANNEL_NOT_LIVE' ? 404 : 503;
      return reply.code(status).send({ code: error.code, message: error.message });
    }
  });
}
