import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { EmoteImage } from '../../channels/emotes.ts';
import { notFound } from '../../errors.ts';
import { requireUser } from '../auth-context.ts';
import type { RouteContext } from '../route-context.ts';
import { ChannelName, Closed, errors } from '../schemas.ts';
import { NoContent, SIGNED_IN } from './channel-routes.ts';

const EmoteCode = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9]{2,19}$',
  description: 'what chatters type: a letter, then 2 to 19 letters or digits; case-sensitive',
});
const EmoteId = Type.String({
  pattern: '^([0-9a-z]{19}|global-[A-Za-z][A-Za-z0-9]{2,19})$',
  description: "an emote's id, as a channel's or the global list gives it",
});
const Url = Type.String({ description: 'where the image is, on this server' });

const ChannelEmoteItem = Closed({ id: EmoteId, code: EmoteCode, subscriberOnly: Type.Boolean(), url: Url });
const GlobalEmoteItem = Closed({ id: EmoteId, code: EmoteCode, url: Url });

/** Base64 of a little over 32 KiB, so that an image just too big is told its size rather than a schema error. */
const EmoteUpload = Closed({
  image: Type.String({
    minLength: 1,
    maxLength: 48 * 1024,
    description: 'the image file in base64: PNG, GIF or WebP, at most 32 KiB decoded',
  }),
  subscriberOnly: Type.Boolean({ description: "only the channel's subscribers may use it" }),
});

const Image = Type.String({ format: 'binary', description: 'the image (its type in Content-Type)' });

/**
 * Every emote image is served with a type judged from its bytes, never sniffed by the browser, sandboxed (an SVG
 * opened on its own runs no script and loads nothing), and cached for good: a changed image gets a new id.
 */
function sendImage(reply: FastifyReply, image: EmoteImage) {
  return reply
    .header('Content-Type', image.contentType)
    .header('Cache-Control', 'public, max-age=31536000, immutable')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
    .send(image.bytes);
}

/** Emotes: the global set, a channel's own (its broadcaster uploads them), and their images. */
export const emoteRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const { platform } = context;
  const imageUrl = (id: string) => `${app.prefix}/emotes/${id}`;

  app.put(
    '/channels/:name/emotes/:code',
    {
      // Room for the base64 of a 32 KiB image and its JSON; the default limit is smaller.
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['emotes'],
        summary: 'Add an emote to the channel, or replace the one with this code (its broadcaster only; ≤ 50)',
        security: SIGNED_IN,
        params: Closed({ name: ChannelName, code: EmoteCode }),
        body: EmoteUpload,
        response: { 201: ChannelEmoteItem, ...errors(400, 401, 403, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { name, code } = request.params;
      const { image, subscriberOnly } = request.body;
      const emote = await platform.emotes.put(name, user, code, image, subscriberOnly);
      return reply.code(201).send({ ...emote, url: imageUrl(emote.id) });
    },
  );

  app.delete(
    '/channels/:name/emotes/:code',
    {
      schema: {
        tags: ['emotes'],
        summary: "Remove one of the channel's emotes (its broadcaster only)",
        security: SIGNED_IN,
        params: Closed({ name: ChannelName, code: EmoteCode }),
        response: { 204: NoContent('the emote is gone'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await platform.emotes.remove(request.params.name, user, request.params.code);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/channels/:name/emotes',
    {
      schema: {
        tags: ['emotes'],
        summary: "The channel's own emotes, by code (the global ones are at /api/emotes/global)",
        params: Closed({ name: ChannelName }),
        response: { 200: Closed({ items: Type.Array(ChannelEmoteItem) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const emotes = await platform.emotes.list(request.params.name);
      return { items: emotes.map((e) => ({ ...e, url: imageUrl(e.id) })) };
    },
  );

  app.get(
    '/emotes/global',
    {
      schema: {
        tags: ['emotes'],
        summary: 'The built-in emotes every channel has',
        response: { 200: Closed({ items: Type.Array(GlobalEmoteItem) }) },
      },
    },
    async () => ({
      items: platform.emotes
        .global()
        .map((e) => ({ id: e.id, code: e.code, url: `${app.prefix}/emotes/global/${e.code}.svg` })),
    }),
  );

  app.get(
    '/emotes/global/:code.svg',
    {
      schema: {
        tags: ['emotes'],
        summary: 'A built-in emote, as SVG',
        params: Closed({ code: EmoteCode }),
        response: { 200: Image, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const emote = platform.emotes.global().find((e) => e.code === request.params.code);
      if (!emote) throw notFound(`global emote ${request.params.code}`);
      return sendImage(reply, { contentType: 'image/svg+xml', bytes: emote.svg });
    },
  );

  app.get(
    '/emotes/:id',
    {
      schema: {
        tags: ['emotes'],
        summary: "An emote's image by id (global or a channel's), cached for good: a new image gets a new id",
        params: Closed({ id: EmoteId }),
        response: { 200: Image, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const image = await platform.emotes.image(request.params.id);
      if (!image) throw notFound(`emote ${request.params.id}`);
      return sendImage(reply, image);
    },
  );
};
