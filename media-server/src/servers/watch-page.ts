import { buildPlayerPages, escapeHtml, type PlayerPagesBuild } from '@glint/player/build';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { htmlSecurityHeaders } from './security-headers.ts';

export { escapeHtml };

/** Where the pages' scripts and styles are served; their names carry a content hash. */
const ASSET_BASE = '/player/';

/** A broadcast or clip id as the platform makes them (newId: base-36), with room for other id schemes. */
const MEDIA_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface WatchPageOptions {
  /** Whether a path segment is a possible channel id (the rest get a 404 before any HTML is made). */
  readonly isChannel: (id: string) => boolean;
}

// One build per process: every server in a test run shares it, and a restart picks up edited files.
let built: Promise<PlayerPagesBuild> | undefined;

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  htmlSecurityHeaders(reply);
  return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
}

/**
 * The player's pages (player/src/pages) and their bundled files under /player/: the watch page at /watch/<channel>,
 * a past broadcast at /vod/<broadcastId>, a clip at /clip/<clipId>. The VOD and clip pages read their facts from
 * the API, so an unknown id gets the page, which says so. A Fastify plugin, so the bundle is built (esbuild, in
 * memory, well under a second) while the server starts and a build error stops the start instead of the first
 * viewer's request.
 */
export async function watchPageRoutes(app: FastifyInstance, options: WatchPageOptions): Promise<void> {
  built ??= buildPlayerPages(ASSET_BASE);
  const pages = await built;

  app.get('/vod/:broadcastId', async (request, reply) => {
    const { broadcastId } = request.params as { broadcastId: string };
    if (!MEDIA_ID.test(broadcastId)) {
      return reply.code(404).send({ code: 'NO_SUCH_VOD', message: 'no such broadcast: check the link' });
    }
    return sendPage(reply, pages.render('vod', { broadcastId }));
  });

  app.get('/clip/:clipId', async (request, reply) => {
    const { clipId } = request.params as { clipId: string };
    if (!MEDIA_ID.test(clipId)) {
      return reply.code(404).send({ code: 'NO_SUCH_CLIP', message: 'no such clip: check the link' });
    }
    return sendPage(reply, pages.render('clip', { clipId }));
  });

  app.get(`${ASSET_BASE}:file`, async (request, reply) => {
    const asset = pages.assets.get((request.params as { file: string }).file);
    if (!asset) return reply.code(404).send({ code: 'NO_SUCH_FILE', message: 'no such player file' });
    // The name changes with the content, so a browser may keep it for good.
    return reply
      .type(asset.contentType)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .send(Buffer.from(asset.body.buffer, asset.body.byteOffset, asset.body.byteLength));
  });
}
