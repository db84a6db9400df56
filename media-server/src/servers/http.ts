import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LlhlsOutputs } from '../protocols/llhls/from_stream.ts';
import type { StreamHub } from '../stream/hub.ts';
import type { Metrics } from './metrics.ts';
import { watchPage } from './watch-page.ts';

export interface HttpServerDeps {
  readonly hub: StreamHub;
  readonly outputs: LlhlsOutputs;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));

/** The HTTP face: LL-HLS under /live/<channel>/, the watch page, health and metrics. */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const { hub, outputs, metrics } = deps;
  // Fastify's own request logging would write a line per LL-HLS part; errors are logged here instead.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.logger.error({ err: error, url: request.url }, 'request failed');
    reply
      .code(status)
      .send({ code: error.code ?? 'INTERNAL', message: status >= 500 ? 'internal error' : error.message });
  });

  // Every response is timed from the raw socket's view, hijacked LL-HLS replies included.
  app.addHook('onRequest', async (request, reply) => {
    const start = process.hrtime.bigint();
    const route = request.routeOptions.url ?? 'unknown';
    reply.raw.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpDuration.observe({ route, status: String(reply.raw.statusCode) }, seconds);
    });
  });

  app.route({
    method: ['GET', 'HEAD', 'OPTIONS'],
    url: '/live/:channel/*',
    exposeHeadRoute: false,
    handler: (request, reply) => {
      const { channel, '*': rest } = request.params as { channel: string; '*': string };
      const output = CHANNEL.test(channel) ? outputs.get(channel) : undefined;
      if (!output) {
        return reply
          .code(404)
          .header('Access-Control-Allow-Origin', '*')
          .header('Cache-Control', 'no-cache')
          .send({ code: 'CHANNEL_NOT_LIVE', message: `channel "${channel}" is not live; try again when it starts` });
      }
      reply.hijack();
      const query = new URL(request.url, 'http://localhost').searchParams;
      output.http.handle(request.raw, reply.raw, rest, query);
    },
  });

  app.get('/watch/:channel', async (request, reply) => {
    const { channel } = request.params as { channel: string };
    if (!CHANNEL.test(channel)) return reply.code(404).send({ code: 'NO_SUCH_CHANNEL', message: 'no such channel' });
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(watchPage(channel));
  });

  app.get('/vendor/hls.min.js', async (_request, reply) =>
    reply.type('text/javascript').header('Cache-Control', 'public, max-age=3600').send(hlsJs),
  );

  app.get('/healthz', async () => ({
    status: 'ok',
    liveStreams: hub.streams.length,
    blockedPlaylistRequests: outputs.blockedRequests,
  }));

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.get('/', async (_request, reply) => {
    const items = hub.streams
      .map((s) => `<li><a href="/watch/${s.channelId}">${s.channelId}</a> (${s.source})</li>`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Glint</title><h1>Glint</h1><h2>Live now</h2><ul>${items || '<li>nobody is live</li>'}</ul>`,
      );
  });

  return app;
}
