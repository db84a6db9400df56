import { buildWatchPage, escapeHtml, type WatchPageBuild } from '@glint/player/build';
import type { FastifyInstance } from 'fastify';
import { htmlSecurityHeaders } from './security-headers.ts';

export { escapeHtml };

/** Where the page's script and style are served; their names carry a content hash. */
const ASSET_BASE = '/player/';

export interface WatchPageOptions {
  /** Whether a path segment is a possible channel id (the rest get a 404 before any HTML is made). */
  readonly isChannel: (id: string) => boolean;
}

// One build per process: every server in a test run shares it, and a restart picks up edited files.
let built: Promise<WatchPageBuild> | undefined;

/**
 * The watch page (player/src/pages/watch) at /watch/<channel> and its bundled files under /player/. A Fastify plugin,
 * so the bundle is built (esbuild, in memory, well under a second) while the server starts and a build error stops
 * the start instead of the first viewer's request.
 */
export async function watchPageRoutes(app: FastifyInstance, options: WatchPageOptions): Promise<void> {
  built ??= buildWatchPage(ASSET_BASE);
  const page = await built;

  app.get('/watch/:channel', async (request, reply) => {
    const { channel } = request.params as { channel: string };
    if (!options.isChannel(channel)) {
      return reply.code(404).send({ code: 'NO_SUCH_CHANNEL', message: 'no such channel' });
    }
    const id = encodeURIComponent(channel);
    const html = page.render({ channel, hlsSrc: `/live/${id}/index.m3u8`, whepUrl: `/whep/${id}` });
    htmlSecurityHeaders(reply);
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
  });

  app.get(`${ASSET_BASE}:file`, async (request, reply) => {
    const asset = page.assets.get((request.params as { file: string }).file);
    if (!asset) return reply.code(404).send({ code: 'NO_SUCH_FILE', message: 'no such player file' });
    // The name changes with the content, so a browser may keep it for good.
    return reply
      .type(asset.contentType)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .send(Buffer.from(asset.body.buffer, asset.body.byteOffset, asset.body.byteLength));
  });
}
