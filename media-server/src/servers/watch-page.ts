import { buildPlayerPages, escapeHtml, type PlayerPagesBuild } from '@glint/player/build';
import type { FastifyInstance } from 'fastify';

export { escapeHtml };

/** Where the pages' scripts and styles are served; their names carry a content hash. */
const ASSET_BASE = '/player/';

export interface WatchPageOptions {
  /** Whether a path segment is a possible channel id (the rest get a 404 before any HTML is made). */
  readonly isChannel: (id: string) => boolean;
}

// One build per process: every server in a test run shares it, and a restart picks up edited files.
let built: Promise<PlayerPagesBuild> | undefined;

/**
 * The old player pages' bundled files under /player/ (the watch, VOD and clip pages are the web app's now,
 * web-app.ts). A Fastify plugin, so the bundle is built (esbuild, in
 * memory, well under a second) while the server starts and a build error stops the start instead of the first
 * viewer's request.
 */
export async function watchPageRoutes(app: FastifyInstance, options: WatchPageOptions): Promise<void> {
  built ??= buildPlayerPages(ASSET_BASE);
  const pages = await built;

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
