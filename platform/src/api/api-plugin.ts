import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { addressGroup } from '@glint/media-core';
import type { FastifyError, FastifyInstance, RouteOptions } from 'fastify';
import { isDatabaseDown } from '../db/database-down.ts';
import { PlatformError } from '../errors.ts';
import { RateBuckets } from '../limits/rate-buckets.ts';
import { bearerToken, clearSessionCookie, cookieToken } from './auth-context.ts';
import { type ApiLimits, type ApiOptions, DEFAULT_API_LIMITS, type RouteContext } from './route-context.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { channelRoutes } from './routes/channel-routes.ts';
import { emoteRoutes } from './routes/emote-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { socialRoutes } from './routes/social-routes.ts';
import { errors } from './schemas.ts';
import { schemaErrorFormatter, validatorCompiler } from './validation.ts';

/**
 * The REST API, mounted under /api: JSON schemas for every request and response, an OpenAPI document at
 * /api/openapi.json with its reference page at /api/docs, rate limits per address and per account, and the same
 * session for cookie (browser) and Bearer (API client) callers.
 */
export async function platformApi(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const context: RouteContext = { platform: options.platform, viewers: options.viewers ?? (() => 0), limits };
  const { platform } = options;

  app.setValidatorCompiler(validatorCompiler);
  app.setSchemaErrorFormatter(schemaErrorFormatter);
  // JSON only: a text/plain body would reach a route as a string; refused with 415 instead, like any other type.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= limits.bodyLimitBytes;
    withCommonErrors(route);
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Glint API',
        version: '1',
        description:
          'Accounts, channels, stream keys, follows, notifications, subscriptions and broadcast events of a Glint ' +
          'server. Authenticate with the session cookie (browsers) or `Authorization: Bearer` and the token from ' +
          'POST /api/auth/login. Errors are {code, message}; lists are paged with ?cursor=&limit=. Signed in, ' +
          'open a WebSocket at /api/events for notifications and the go-live/offline events of followed channels ' +
          '(JSON messages: {type: "notification" | "stream.online" | "stream.offline", …}).',
      },
      tags: [
        {
          name: 'accounts',
          description: 'Sign-up, log-in and sessions: the cookie for browsers, the same token as Bearer',
        },
        { name: 'channels', description: 'Channels, their settings, live state and past broadcasts' },
        { name: 'stream keys', description: 'The key a broadcaster streams with (shown once when made)' },
        { name: 'follows', description: 'Following channels' },
        { name: 'subscriptions', description: 'Subscriptions to channels' },
        { name: 'roles', description: 'Moderators, VIPs and bans in a channel' },
        { name: 'emotes', description: "The global emotes and each channel's own, with their images" },
        { name: 'notifications', description: 'What happened in the channels you follow' },
        { name: 'webhooks', description: 'Signed HTTP callbacks when a channel goes live or offline' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'glint_session' },
        },
      },
    },
  });
  // indexPrefix: the page links its scripts by absolute path, which must include where the API is mounted (/api).
  // upgrade-insecure-requests would send the page's own files to https:// on a server reached over plain HTTP (a
  // LAN address), where nothing answers: kept only when the site is served over HTTPS (secureCookies).
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    indexPrefix: app.prefix,
    staticCSP: true,
    transformStaticCSP: (header) =>
      limits.secureCookies ? header : header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });
  await app.register(cookie);
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 4096 } });
  await app.register(rateLimit, {
    max: limits.perIpPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => addressGroup(request.ip),
    errorResponseBuilder: (_request, context) =>
      new PlatformError(
        429,
        'RATE_LIMITED',
        `too many requests from your address; try again in ${Math.ceil(context.ttl / 1000)} s`,
        Math.ceil(context.ttl / 1000),
      ),
  });

  const perAccount = new RateBuckets({
    max: limits.perAccountPerMinute,
    windowMs: 60_000,
    nowMs: platform.deps.nowMs,
  });
  app.decorateRequest('user', null);
  // preValidation, not onRequest: the per-address limit (a route-level onRequest hook) then refuses a flood before
  // each of its requests costs a session lookup in the database.
  app.addHook('preValidation', async (request, reply) => {
    const bearer = bearerToken(request);
    const token = bearer ?? cookieToken(request);
    if (token === undefined) return;
    request.user = await platform.accounts.identify(token);
    // A cookie whose session has ended or was deleted is cleared, so the browser stops sending it.
    if (!request.user && bearer === undefined) clearSessionCookie(reply, limits.secureCookies);
    if (request.user) {
      const waitMs = perAccount.take(request.user.id);
      if (waitMs > 0) {
        const sec = Math.ceil(waitMs / 1000);
        throw new PlatformError(429, 'RATE_LIMITED', `too many requests from your account; try again in ${sec} s`, sec);
      }
    }
  });

  app.setErrorHandler((error: FastifyError | PlatformError, request, reply) => {
    if (error instanceof PlatformError) {
      if (error.retryAfterSec !== undefined) reply.header('Retry-After', String(error.retryAfterSec));
      return reply.code(error.status).send({ code: error.code, message: error.message });
    }
    const known = clientError(error, limits.bodyLimitBytes);
    if (known) return reply.code(known.status).send({ code: known.code, message: known.message });
    if (isDatabaseDown(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('Retry-After', '5')
        .send({ code: 'DATABASE_UNAVAILABLE', message: 'the channel database is not answering; try again shortly' });
    }
    // Anything else: a 4xx from a plugin keeps its status and message (it describes the request), under a code of
    // ours; a 5xx is logged and told as nothing more than "internal error".
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      platform.deps.logger.error({ err: error, url: request.url }, 'API request failed');
      return reply.code(500).send({ code: 'INTERNAL', message: 'internal error' });
    }
    return reply.code(status).send({ code: status === 400 ? 'BAD_REQUEST' : 'REFUSED', message: error.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      code: 'NOT_FOUND',
      message: `no API route ${request.method} ${request.url.split('?')[0]}; see ${app.prefix}/docs`,
    }),
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(authRoutes, context);
  await app.register(channelRoutes, context);
  await app.register(socialRoutes, context);
  await app.register(eventRoutes, context);
  await app.register(emoteRoutes, context);
}

/** Fastify's own refusals of a request's framing, in the API's words (its FST_ codes are no contract of ours). */
function clientError(error: FastifyError, bodyLimitBytes: number): PlatformError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PlatformError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send the body as JSON, with Content-Type: application/json',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PlatformError(413, 'BODY_TOO_LARGE', `a request body may have at most ${bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new PlatformError(400, 'BAD_REQUEST', 'the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PlatformError(400, 'BAD_REQUEST', 'the body is empty; send a JSON object, or no Content-Type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PlatformError(400, 'BAD_REQUEST', 'the Content-Length does not match the body');
    default:
      // secure-json-parse refuses "__proto__" and "constructor.prototype" keys with a plain SyntaxError and 400.
      return error instanceof SyntaxError && error.statusCode === 400
        ? new PlatformError(400, 'BAD_REQUEST', 'the body is not valid JSON')
        : undefined;
  }
}

/**
 * Adds the refusals any route can give to its documented replies, so the OpenAPI document lists them whether or not
 * the route's author did: 429 and 503 everywhere (rate limits and the session lookup apply to every request), 400
 * where there is anything to validate, 413 and 415 where there is a body. A route's own entries win.
 */
function withCommonErrors(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { response?: Record<string, unknown> }) | undefined;
  if (schema?.response === undefined || schema.hide === true) return;
  const statuses = [429, 503];
  if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined) statuses.push(400);
  if (schema.body !== undefined) statuses.push(413, 415);
  // A route that can answer 401 wants a session (a route that does not, like log-in, says `security: []`).
  const security = schema.security ?? (401 in schema.response ? SESSION_SECURITY : undefined);
  const next: Record<string, unknown> = { ...schema, response: { ...errors(...statuses), ...schema.response } };
  if (security !== undefined) next.security = security;
  route.schema = next;
}

/** Either credential: the session cookie or the same token as Bearer. */
const SESSION_SECURITY = [{ bearer: [] }, { cookie: [] }];
