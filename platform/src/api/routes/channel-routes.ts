import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuthUser } from '../../accounts/accounts.ts';
import type { ChannelSummary } from '../../channels/channels.ts';
import type { Subscription } from '../../channels/subscriptions.ts';
import { notFound } from '../../errors.ts';
import { requireUser } from '../auth-context.ts';
import type { RouteContext } from '../route-context.ts';
import { ChannelName, Closed, errors, Id, Page, PageFields, PlainText } from '../schemas.ts';

/** Signed-in routes say so in the OpenAPI document. */
export const SIGNED_IN = [{ bearer: [] }, { cookie: [] }];

export const Millis = Type.Integer({ minimum: 0, description: 'wall-clock time, ms since the epoch' });

/** A 204 with what it means, for the OpenAPI document. */
export const NoContent = (description: string) => Type.Null({ description });

export const ChannelParams = Closed({ name: ChannelName });

export const LiveNow = Type.Union([
  Closed({ broadcastId: Id, startedAt: Millis, viewers: Type.Integer({ minimum: 0 }) }),
  Type.Null(),
]);

export const GrantableRoleName = Type.Union([Type.Literal('moderator'), Type.Literal('vip'), Type.Literal('banned')], {
  description: 'a role the broadcaster (or, for banned, a moderator) grants',
});

export const RoleName = Type.Union([
  Type.Literal('broadcaster'),
  Type.Literal('moderator'),
  Type.Literal('vip'),
  Type.Literal('subscriber'),
  Type.Literal('follower'),
  Type.Literal('viewer'),
  Type.Literal('banned'),
]);

export const Tier = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]);

export const SubscriptionBrief = Closed({ tier: Tier, startedAt: Millis, expiresAt: Millis, months: Type.Integer() });

/** A channel as every list shows it. */
const channelFields = {
  name: ChannelName,
  displayName: Type.String(),
  title: Type.String(),
  category: Type.String(),
  language: Type.String(),
  live: LiveNow,
};

const ChannelItem = Closed(channelFields);

/** A channel's page: the list fields, its followers, and the caller's standing (null when anonymous). */
const ChannelView = Closed({
  ...channelFields,
  followers: Type.Integer({ minimum: 0 }),
  you: Type.Union([
    Closed({
      following: Type.Boolean(),
      subscription: Type.Union([SubscriptionBrief, Type.Null()]),
      roles: Type.Array(RoleName),
    }),
    Type.Null(),
  ]),
});

const ChannelPatch = Type.Object(
  {
    title: Type.Optional(PlainText({ maxLength: 140 })),
    category: Type.Optional(PlainText({ minLength: 1, maxLength: 50 })),
    language: Type.Optional(
      Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 tag, e.g. en or pt-BR' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Closed({
  live: Type.Optional(Type.Boolean({ description: 'only live channels, newest broadcast first' })),
  ...PageFields,
});

export function subscriptionBrief(s: Subscription) {
  return { tier: s.tier, startedAt: s.startedAt, expiresAt: s.expiresAt, months: s.months };
}

/** Channels (the live list, a channel's page, its settings) and its stream key. */
export const channelRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const { platform, viewers } = context;
  const withViewers = (c: ChannelSummary) => ({
    ...c,
    live: c.live && { broadcastId: c.live.broadcastId, startedAt: c.live.startedAt, viewers: viewers(c.name) },
  });

  async function you(channel: string, user: AuthUser | null) {
    if (!user) return null;
    const [following, subscription, roles] = await Promise.all([
      platform.follows.isFollowing(user.id, channel),
      platform.subscriptions.activeOf(channel, user.id),
      platform.roles.rolesOf(channel, user.id),
    ]);
    return { following, subscription: subscription && subscriptionBrief(subscription), roles };
  }

  async function channelView(name: string, user: AuthUser | null) {
    const summary = await platform.channels.summary(name);
    if (!summary) throw notFound(`channel ${name}`);
    const [followers, yours] = await Promise.all([platform.follows.followerCount(name), you(name, user)]);
    return { ...withViewers(summary), followers, you: yours };
  }

  app.get(
    '/channels',
    {
      schema: {
        tags: ['channels'],
        summary: 'Channels: the live list (live=true, newest broadcast first) or every channel by name',
        querystring: ListQuery,
        response: { 200: Page(ChannelItem), ...errors(400, 429) },
      },
    },
    async (request) => {
      const { live, cursor, limit } = request.query;
      const page = await platform.channels.list(live === true, { cursor, limit });
      return { items: page.items.map(withViewers), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/channels/:name',
    {
      schema: {
        tags: ['channels'],
        summary: "A channel's page: its settings, live state, followers, and your standing in it when signed in",
        params: ChannelParams,
        response: { 200: ChannelView, ...errors(400, 404, 429) },
      },
    },
    async (request) => channelView(request.params.name, request.user),
  );

  app.patch(
    '/channels/:name',
    {
      schema: {
        tags: ['channels'],
        summary: "Change the channel's title, category or language (its broadcaster only)",
        security: SIGNED_IN,
        params: ChannelParams,
        body: ChannelPatch,
        response: { 200: ChannelView, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { title, category, language } = request.body;
      await platform.channels.update(request.params.name, user.id, {
        ...(title !== undefined && { title }),
        ...(category !== undefined && { category }),
        ...(language !== undefined && { language }),
      });
      return channelView(request.params.name, user);
    },
  );

  app.get(
    '/channels/:name/stream-key',
    {
      schema: {
        tags: ['stream keys'],
        summary: 'Whether the channel has a stream key, and since when (the key itself is never shown again)',
        security: SIGNED_IN,
        params: ChannelParams,
        response: {
          200: Closed({ hasKey: Type.Boolean(), createdAt: Type.Union([Millis, Type.Null()]) }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { name } = await platform.channels.requireOwner(request.params.name, user.id);
      const createdAt = await platform.streamKeys.activeKeyCreatedAt(name);
      return { hasKey: createdAt !== null, createdAt };
    },
  );

  app.post(
    '/channels/:name/stream-key',
    {
      schema: {
        tags: ['stream keys'],
        summary: 'A new stream key, shown this once; the old key stops working and a live stream on it ends',
        security: SIGNED_IN,
        params: ChannelParams,
        response: {
          201: Closed({ streamKey: Type.String(), createdAt: Millis }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { name } = await platform.channels.requireOwner(request.params.name, user.id);
      const issued = await platform.streamKeys.issue(name);
      reply.header('Cache-Control', 'no-store');
      return reply.code(201).send(issued);
    },
  );

  app.delete(
    '/channels/:name/stream-key',
    {
      schema: {
        tags: ['stream keys'],
        summary: 'Revoke the stream key: the channel has none until a new one is made; a live stream on it ends',
        security: SIGNED_IN,
        params: ChannelParams,
        response: { 204: NoContent('the channel has no stream key now'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { name } = await platform.channels.requireOwner(request.params.name, user.id);
      await platform.streamKeys.revoke(name);
      return reply.code(204).send(null);
    },
  );
};
