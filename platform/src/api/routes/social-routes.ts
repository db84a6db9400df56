import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Subscription } from '../../channels/subscriptions.ts';
import { requireUser } from '../auth-context.ts';
import type { RouteContext } from '../route-context.ts';
import { ChannelName, Closed, errors, Login, Page, PageFields, PageQuery } from '../schemas.ts';
import {
  ChannelParams,
  GrantableRoleName,
  LiveNow,
  Millis,
  NoContent,
  RoleName,
  SIGNED_IN,
  subscriptionBrief,
  Tier,
} from './channel-routes.ts';

const Subscriber = Closed({
  login: Login,
  displayName: Type.String(),
  tier: Tier,
  startedAt: Millis,
  expiresAt: Millis,
  months: Type.Integer({ minimum: 1, description: 'months granted in total, across lapses' }),
  active: Type.Boolean(),
});

const MySubscription = Closed({
  channel: ChannelName,
  tier: Tier,
  startedAt: Millis,
  expiresAt: Millis,
  months: Type.Integer({ minimum: 1 }),
  active: Type.Boolean(),
});

const FollowedChannel = Closed({
  channel: ChannelName,
  displayName: Type.String(),
  title: Type.String(),
  followedAt: Millis,
  live: LiveNow,
});

const RoleGrant = Closed({ login: Login, displayName: Type.String(), role: GrantableRoleName, grantedAt: Millis });

const RoleParams = Closed({ name: ChannelName, role: GrantableRoleName, login: Login });

const subscriberView = (s: Subscription) => ({
  login: s.login,
  displayName: s.displayName,
  ...subscriptionBrief(s),
  active: s.active,
});

/** Follows, subscriptions (granted by the broadcaster while payment is out of scope) and channel roles. */
export const socialRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const { platform, viewers } = context;

  app.put(
    '/channels/:name/follow',
    {
      schema: {
        tags: ['follows'],
        summary: 'Follow the channel (again: no change); not your own, not while banned from it',
        security: SIGNED_IN,
        params: ChannelParams,
        response: { 204: NoContent('you follow the channel'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await platform.follows.follow(requireUser(request), request.params.name);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/channels/:name/follow',
    {
      schema: {
        tags: ['follows'],
        summary: 'Stop following the channel (when not following: no change)',
        security: SIGNED_IN,
        params: ChannelParams,
        response: { 204: NoContent('you do not follow the channel'), ...errors(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      await platform.follows.unfollow(requireUser(request).id, request.params.name);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me/follows',
    {
      schema: {
        tags: ['follows'],
        summary: 'The channels you follow, by name, with whether each is live',
        security: SIGNED_IN,
        querystring: PageQuery,
        response: { 200: Page(FollowedChannel), ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const page = await platform.follows.followedBy(user.id, request.query);
      return {
        items: page.items.map((f) => ({ ...f, live: f.live && { ...f.live, viewers: viewers(f.channel) } })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/channels/:name/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary:
          'Grant a subscription (broadcaster only; stands in for payment). While active it extends the expiry and ' +
          'adds the months; after a lapse a new run starts now and the total of months keeps counting',
        security: SIGNED_IN,
        params: ChannelParams,
        body: Closed({ login: Login, tier: Tier, months: Type.Integer({ minimum: 1, maximum: 12 }) }),
        response: {
          201: Closed({
            subscription: Closed({
              login: Login,
              tier: Tier,
              startedAt: Millis,
              expiresAt: Millis,
              months: Type.Integer({ minimum: 1 }),
            }),
          }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { login, tier, months } = request.body;
      const s = await platform.subscriptions.grant(request.params.name, user, login, tier, months);
      return reply.code(201).send({ subscription: { login: s.login, ...subscriptionBrief(s) } });
    },
  );

  app.get(
    '/channels/:name/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "The channel's subscribers, active and lapsed, by login (broadcaster only)",
        security: SIGNED_IN,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: Page(Subscriber), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const page = await platform.subscriptions.ofChannel(request.params.name, requireUser(request), request.query);
      return { items: page.items.map(subscriberView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/me/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Your subscriptions, active and lapsed, by channel',
        security: SIGNED_IN,
        querystring: PageQuery,
        response: { 200: Page(MySubscription), ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const page = await platform.subscriptions.ofUser(requireUser(request).id, request.query);
      return {
        items: page.items.map((s) => ({ channel: s.channel, ...subscriptionBrief(s), active: s.active })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.put(
    '/channels/:name/roles/:role/:login',
    {
      schema: {
        tags: ['roles'],
        summary:
          'Grant a role: moderator and vip by the broadcaster; banned by the broadcaster or a moderator (not of ' +
          'the broadcaster or another moderator). A ban ends the follow and takes away moderator and vip',
        security: SIGNED_IN,
        params: RoleParams,
        response: { 204: NoContent('the user holds the role'), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { name, role, login } = request.params;
      await platform.roles.grant(name, requireUser(request), role, login);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/channels/:name/roles/:role/:login',
    {
      schema: {
        tags: ['roles'],
        summary: 'Take a role away (banned: unban); same permissions as granting it; not held: no change',
        security: SIGNED_IN,
        params: RoleParams,
        response: { 204: NoContent('the user does not hold the role'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { name, role, login } = request.params;
      await platform.roles.revoke(name, requireUser(request), role, login);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/channels/:name/roles/:login',
    {
      schema: {
        tags: ['roles'],
        summary:
          "A user's effective roles in the channel, highest first (['banned'] alone when banned); for that user, " +
          'the broadcaster and moderators',
        security: SIGNED_IN,
        params: Closed({ name: ChannelName, login: Login }),
        response: { 200: Closed({ roles: Type.Array(RoleName) }), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { name, login } = request.params;
      return { roles: await platform.roles.effectiveRolesFor(name, user, login) };
    },
  );

  app.get(
    '/channels/:name/roles',
    {
      schema: {
        tags: ['roles'],
        summary: 'The users granted a role in the channel, by login (broadcaster and moderators)',
        security: SIGNED_IN,
        params: ChannelParams,
        querystring: Closed({ role: GrantableRoleName, ...PageFields }),
        response: { 200: Page(RoleGrant), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { role, cursor, limit } = request.query;
      return platform.roles.list(request.params.name, requireUser(request), role, { cursor, limit });
    },
  );
};
