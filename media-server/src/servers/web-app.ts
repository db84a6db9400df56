import { APP_PAGES, APP_PARAMS, type AppFiles, ensureAppBuild, readAppFiles } from '@glint/player/build';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { htmlSecurityHeaders } from './security-headers.ts';

export interface WebAppOptions {
  readonly logger: Logger;
}

// One build per process (every server of a test run shares it); made or refreshed by the first server to start.
let files: Promise<AppFiles> | undefined;

function appFiles(logger: Logger): Promise<AppFiles> {
  files ??= ensureAppBuild({ log: (line) => logger.info(line) }).then(readAppFiles);
  return files;
}

/**
 * The web app (player/, React): its one HTML page at every app path (the app's router shows the page) and its
 * hashed assets under /assets/. A Fastify plugin, so a missing or stale build is made while the server starts
 * (Vite, a few seconds, only when player sources changed) and a build error stops the start.
 */
export async function webAppRoutes(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  const { indexHtml, assets } = await appFiles(options.logger);
  for (const path of APP_PAGES) {
    app.get(path, async (request, reply) => {
      htmlSecurityHeaders(reply);
      const params = Object.entries((request.params ?? {}) as Record<string, string>);
      const named = params.every(([name, value]) => APP_PARAMS[name]?.test(value) ?? true);
      return reply
        .code(named ? 200 : 404)
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-cache')
        .send(indexHtml);
    });
  }
  app.get('/assets/:file', async (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) return reply.code(404).send({ code: 'NO_SUCH_FILE', message: 'no such web app file' });
    // The name changes with the content, so a browser may keep it for good.
    return reply
      .type(asset.contentType)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .send(Buffer.from(asset.body.buffer, asset.body.byteOffset, asset.body.byteLength));
  });
}
