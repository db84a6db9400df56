import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { ChatServer } from '@glint/chat';
import { type ApiOptions, platformApi } from '@glint/platform';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { LlhlsOutputs } from '../adapters/llhls-outputs.ts';
import type { LlhlsViewers } from '../audience/llhls-viewers.ts';
import { viewerId } from '../audience/viewer-id.ts';
import type { StreamHub } from '../stream/hub.ts';
import type { ArchiveStats } from '../vod/archive/archive-stats.ts';
import { chatRoute, registerWebsockets } from './chat-route.ts';
import { liveThumbnailRoutes } from './live-thumbnail-route.ts';
import type { Metrics } from './metrics.ts';
import { streamHealthRoutes } from './stream-health/stream-health-route.ts';
import { webAppRoutes } from './web-app.ts';
import { bearerToken } from './whip/http-replies.ts';

export interface HttpServerDeps {
  readonly hub: StreamHub;
  readonly outputs: LlhlsOutputs;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly limits?: Partial<HttpLimits>;
  /** The platform's REST API, mounted at /api (a server of LL-HLS alone, in tests, has none). */
  readonly api?: ApiOptions;
  /** Counts LL-HLS viewers from their playlist requests. */
  readonly llhlsViewers?: LlhlsViewers;
  /** The chat pod, served at /chat on this port. */
  readonly chat?: ChatServer;
  /** The VOD archive's health, shown on /healthz. */
  readonly archive?: () => ArchiveStats;
  /** Requests parked in the LL-HLS worker processes (GLINT_LLHLS_WORKERS), counted on /healthz with this port's. */
  readonly blockedInWorkers?: () => number;
}

/** How long after a failed archive write /healthz still says the archive is failing. */
const ARCHIVE_FAILING_MS = 60_000;

/** The archive's part of /healthz: the error's code only (its message names server paths). */
function archiveHealth(stats: ArchiveStats, nowMs: number) {
  const failing = stats.lastError !== null && nowMs - stats.lastError.atMs < ARCHIVE_FAILING_MS;
  return {
    status: failing ? 'failing' : 'ok',
    skippedSegments: stats.skippedSegments,
    failedWrites: stats.failedWrites,
    lastError: stats.lastError && {
      code: /^[A-Z][A-Z0-9_]+/.exec(stats.lastError.message)?.[0] ?? 'ERROR',
      at: new Date(stats.lastError.atMs).toISOString(),
    },
  };
}

export interface HttpLimits {
  /** Open HTTP connections at once; more are refused by the kernel accept path (closed at once). */
  readonly maxConnections: number;
  /** A client must send a whole request (headers and body) within this long; a slow body is cut off. */
  readonly requestTimeoutMs: number;
  /** Bearer token /metrics requires; unset: /metrics answers loopback clients only. */
  readonly metricsToken: string | undefined;
  /** GLINT_TRUST_PROXY: '' (no proxy), 'true', a hop count, or the proxy's addresses/CIDRs. */
  readonly trustProxy: string;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 10_000,
  requestTimeoutMs: 10_000,
  metricsToken: undefined,
  trustProxy: '',
};

/** Fastify's trustProxy from the setting's text. */
function trustProxyOption(value: string): boolean | string {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value;
}

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));

/** The HTTP face: LL-HLS under /live/<channel>/, the watch page, health and metrics. */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const { hub, outputs, metrics } = deps;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  // Fastify's own request logging would write a line per LL-HLS part; errors are logged here instead.
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    trustProxy: trustProxyOption(limits.trustProxy),
    serverFactory: (handler) => {
      // Node checks request deadlines every connectionsCheckingInterval (30 s by default): check each second so a
      // slow body is cut near its deadline. headersTimeout ≤ requestTimeout, as Node requires.
      const server = createServer(
        {
          requestTimeout: limits.requestTimeoutMs,
          headersTimeout: limits.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
          keepAliveTimeout: 5000,
        },
        handler,
      );
      server.maxConnections = limits.maxConnections;
      return server;
    },
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
  });
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
      // A player's GET; not a preflight or a HEAD, which would count a viewer twice (once by address).
      if (request.method === 'GET' && rest.endsWith('.m3u8'))
        deps.llhlsViewers?.seen(channel, viewerId(request.headers, query, request.ip));
      output.http.handle(request.raw, reply.raw, rest, query);
    },
  });

  // One WebSocket server for the port, registered before the routes that use it (the API's push and chat).
  if (deps.api || deps.chat) registerWebsockets(app);
  if (deps.api) app.register(platformApi, { prefix: '/api', ...deps.api });
  if (deps.chat) app.register(chatRoute, { chat: deps.chat });
  if (deps.api) app.register(streamHealthRoutes, { hub, platform: deps.api.platform });

  app.register(webAppRoutes, { logger: deps.logger });
  app.register(liveThumbnailRoutes, { outputs, logger: deps.logger });

  app.get('/vendor/hls.min.js', async (_request, reply) =>
    reply.type('text/javascript').header('Cache-Control', 'public, max-age=3600').send(hlsJs),
  );

  app.get('/healthz', async () => ({
    status: 'ok',
    liveStreams: hub.streams.length,
    blockedPlaylistRequests: outputs.blockedRequests + (deps.blockedInWorkers?.() ?? 0),
    ...(deps.archive ? { archive: archiveHealth(deps.archive(), Date.now()) } : {}),
  }));

  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(request, limits.metricsToken)) {
      return reply.code(limits.metricsToken === undefined ? 403 : 401).send({
        code: 'METRICS_FORBIDDEN',
        message:
          limits.metricsToken === undefined
            ? 'metrics are served to this machine only; set GLINT_METRICS_TOKEN to scrape them from elsewhere'
            : 'send the metrics token as "Authorization: Bearer <token>"',
      });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return app;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function metricsAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return LOOPBACK.has(request.socket.remoteAddress ?? '');
  const given = Buffer.from(bearerToken(request.headers.authorization) ?? '');
  const known = Buffer.from(token);
  return given.length === known.length && timingSafeEqual(given, known);
}
