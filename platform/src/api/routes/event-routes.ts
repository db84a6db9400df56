import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sha256Hex } from '../../accounts/tokens.ts';
import { forbidden, notFound } from '../../errors.ts';
import { MAX_WEBHOOK_URL_LENGTH } from '../../events/webhook-target.ts';
import { bearerToken, requireUser, sessionToken } from '../auth-context.ts';
import type { RouteContext } from '../route-context.ts';
import { ChannelName, Closed, errors, Id, Page, PageQuery } from '../schemas.ts';

const SIGNED_IN = [{ bearer: [] }, { cookie: [] }];
const Millis = Type.Integer({ minimum: 0, description: 'wall-clock time, ms since the epoch' });
/** A notification's id: its broadcast's id, then its user's id. */
const NotificationId = Type.String({ pattern: '^[0-9a-z]{38}$', description: 'a notification id' });

const Notification = Closed({
  id: NotificationId,
  kind: Type.String({ description: '"live": a followed channel went live' }),
  channel: ChannelName,
  broadcastId: Id,
  title: Type.String(),
  createdAt: Millis,
  readAt: Type.Union([Millis, Type.Null()]),
});

const NotificationPage = Closed({
  items: Type.Array(Notification),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unreadCount: Type.Integer({ minimum: 0 }),
});

const Webhook = Closed({ id: Id, url: Type.String(), createdAt: Millis });
const NewWebhook = Closed({
  id: Id,
  url: Type.String(),
  secret: Type.String({ description: 'HMAC-SHA256 signing secret; shown this once' }),
  createdAt: Millis,
});

const Broadcast = Closed({
  id: Id,
  title: Type.String(),
  startedAt: Millis,
  endedAt: Type.Union([Millis, Type.Null()]),
  peakViewers: Type.Integer({ minimum: 0 }),
  averageViewers: Type.Integer({ minimum: 0 }),
});

/**
 * What happens when a channel goes live, as the API shows it: the signed-in user's notifications, the push channel
 * (WebSocket), the broadcaster's webhooks, and a channel's broadcast history.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { platform }) => {
  app.get(
    '/me/notifications',
    {
      schema: {
        summary: 'Your notifications, newest first, with how many are unread',
        tags: ['notifications'],
        security: SIGNED_IN,
        querystring: PageQuery,
        response: { 200: NotificationPage, ...errors(400, 401) },
      },
    },
    async (request) => platform.notifications.list(requireUser(request).id, request.query),
  );

  app.post(
    '/me/notifications/:id/read',
    {
      schema: {
        summary: 'Mark one notification read',
        tags: ['notifications'],
        security: SIGNED_IN,
        params: Closed({ id: NotificationId }),
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await platform.notifications.markRead(requireUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/me/notifications/read-all',
    {
      schema: {
        summary: 'Mark all your notifications read',
        tags: ['notifications'],
        security: SIGNED_IN,
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      await platform.notifications.markAllRead(requireUser(request).id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/events',
    {
      websocket: true,
      // Before the upgrade, so a refusal is a plain HTTP answer with a code, not a socket closed without a reason.
      preValidation: async (request) => {
        const user = requireUser(request);
        refuseCrossSiteCookie(request);
        platform.push.admit(user);
      },
    },
    (socket, request) => {
      const token = sessionToken(request);
      if (request.user && token !== undefined) platform.push.attach(request.user, socket, sha256Hex(token));
      else socket.close(1008, 'UNAUTHENTICATED');
    },
  );

  app.get(
    '/channels/:name/broadcasts',
    {
      schema: {
        summary: 'A channel’s broadcasts, newest first',
        tags: ['channels'],
        params: Closed({ name: ChannelName }),
        querystring: PageQuery,
        response: { 200: Page(Broadcast), ...errors(400, 404) },
      },
    },
    async (request) => {
      if (!(await platform.channels.get(request.params.name))) throw notFound(`channel ${request.params.name}`);
      return platform.broadcasts.list(request.params.name, request.query);
    },
  );

  app.post(
    '/channels/:name/webhooks',
    {
      schema: {
        summary: 'Add a webhook to your channel (its signing secret is shown this once)',
        tags: ['webhooks'],
        security: SIGNED_IN,
        params: Closed({ name: ChannelName }),
        body: Closed({ url: Type.String({ minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH }) }),
        response: { 201: NewWebhook, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const hook = await platform.webhooks.create(requireUser(request), request.params.name, request.body.url);
      return reply.code(201).send(hook);
    },
  );

  app.get(
    '/channels/:name/webhooks',
    {
      schema: {
        summary: 'Your channel’s webhooks (without their secrets)',
        tags: ['webhooks'],
        security: SIGNED_IN,
        params: Closed({ name: ChannelName }),
        response: { 200: Closed({ items: Type.Array(Webhook) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await platform.webhooks.list(requireUser(request), request.params.name) }),
  );

  app.delete(
    '/channels/:name/webhooks/:id',
    {
      schema: {
        summary: 'Delete a webhook of your channel; it receives nothing more',
        tags: ['webhooks'],
        security: SIGNED_IN,
        params: Closed({ name: ChannelName, id: Id }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await platform.webhooks.remove(requireUser(request), request.params.name, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/**
 * A browser sends the session cookie on a WebSocket handshake from any page: with cookie auth, the page must be
 * this site's own (its Origin's host is the Host asked for), or another site could read the user's events.
 */
function refuseCrossSiteCookie(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined || bearerToken(request) !== undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.headers.host) throw forbidden('event connections are accepted from this site’s own pages');
}
