/**
 * WHIP (RFC 9725) ingest and WHEP viewing as one encapsulated Fastify plugin:
 *   POST   /whip/:channel        offer in (Bearer stream key), answer out, 201 + Location
 *   DELETE /whip/session/:id     ends the publish
 *   POST   /whep/:channel        anonymous viewer offer, answer out, 201 + Location
 *   DELETE /whep/session/:id     ends the viewer
 * No trickle ICE and no ICE restart: the answer carries every candidate (ICE-lite), so PATCH is 405 (RFC 9725
 * §4.3.1). OPTIONS answers CORS preflights so browser publishers can read Location and ETag.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Sfu } from '../../sfu/types.ts';
import { WhipPublisher, type WhipPublisherOptions } from '../../sfu/whip-publisher.ts';
import {
  bearerToken,
  DEFAULT_MAX_SDP_BYTES,
  HttpRefusal,
  methodNotAllowed,
  SDP_TYPE,
  sdpBody,
  sendRefusal,
  toRefusal,
} from './http.ts';
import { WhipSessions } from './whip-sessions.ts';

export type PublishAuthorization =
  | {
      readonly ok: true;
      readonly channelId: string;
      /** Called if the publish fails after authorization (bad SDP, negotiation): undo any reservation. */
      readonly release?: () => void;
    }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 409 | 429;
      readonly code: string;
      readonly message: string;
      /** With 429: when the caller may try again. */
      readonly retryAfterSec?: number;
    };

export interface WebrtcRoutesDeps {
  readonly sfu: Sfu;
  /** Checks the stream key for the channel in the URL. Never log the key. */
  readonly authorize: (channelParam: string, bearerKey: string, remoteAddress: string) => Promise<PublishAuthorization>;
  /**
   * A publisher is connected-to-be and already added to the SFU as the channel's source. Its `onClose` is the
   * end of the publish (DELETE, ICE failure, timeout, shutdown).
   */
  readonly onPublish?: (publisher: WhipPublisher, channelId: string) => void;
  readonly publisherOptions?: WhipPublisherOptions;
  readonly maxSdpBytes?: number;
  readonly logger?: Logger;
}

/** What the plugin exposes for metrics, tests and shutdown. */
export interface WebrtcRoutesHandle {
  readonly whipSessions: WhipSessions;
  /** Ends every WHIP publish (on shutdown); viewers go with `sfu.close()`. */
  closeAll(): Promise<void>;
}

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_METHODS = 'DELETE, OPTIONS';
const COLLECTION_METHODS = 'POST, OPTIONS';
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST'] as const;

function corsHeaders(reply: FastifyReply): void {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Patch');
}

function preflight(allow: string) {
  return async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(204)
      .header('Allow', allow)
      .header('Access-Control-Allow-Methods', allow)
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match')
      .header('Access-Control-Max-Age', '86400')
      .send();
}

function answerReply(reply: FastifyReply, location: string, etag: string, sdp: string): FastifyReply {
  return reply.code(201).header('Location', location).header('ETag', etag).type(SDP_TYPE).send(sdp);
}

export function webrtcRoutes(deps: WebrtcRoutesDeps, handle: { whipSessions: WhipSessions }): FastifyPluginAsync {
  const maxSdpBytes = deps.maxSdpBytes ?? DEFAULT_MAX_SDP_BYTES;
  const log = deps.logger;
  const sessions = handle.whipSessions;

  return async (app: FastifyInstance) => {
    // Every body arrives as bytes (bounded); the handlers decide what a wrong Content-Type means (415).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxSdpBytes }, (_request, body, done) =>
      done(null, body),
    );
    app.addHook('onRequest', async (_request, reply) => corsHeaders(reply));
    app.setErrorHandler((error, request, reply) => {
      const refusal = toRefusal(error, maxSdpBytes);
      if (refusal) return sendRefusal(reply, refusal);
      log?.error({ err: error, url: request.url, method: request.method }, 'WebRTC request failed');
      return reply.code(500).send({ code: 'INTERNAL', message: 'internal error; try again, then report it' });
    });
    const prefix = app.prefix;

    // ---- WHIP ----
    app.post('/whip/:channel', async (request, reply) => {
      const { channel } = request.params as { channel: string };
      const token = bearerToken(request.headers.authorization);
      if (!token) {
        throw new HttpRefusal(401, 'MISSING_STREAM_KEY', 'send your stream key as "Authorization: Bearer <key>"', {
          'WWW-Authenticate': 'Bearer realm="glint"',
        });
      }
      const offer = sdpBody(request.headers['content-type'], request.body);
      const decision = await deps.authorize(channel, token, request.ip);
      if (!decision.ok) {
        const headers: Record<string, string> =
          decision.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="glint", error="invalid_token"' } : {};
        if (decision.retryAfterSec !== undefined) headers['Retry-After'] = String(decision.retryAfterSec);
        log?.warn({ code: decision.code, channel, ip: request.ip }, 'WHIP publish refused');
        throw new HttpRefusal(decision.status, decision.code, decision.message, headers);
      }
      const { channelId } = decision;
      if (!sessions.reserve(channelId)) {
        decision.release?.();
        throw new HttpRefusal(
          409,
          'ALREADY_LIVE',
          `channel ${channelId} is already live; stop the other encoder first`,
        );
      }
      let publisher: WhipPublisher | undefined;
      try {
        const created = await WhipPublisher.create(channelId, offer, {
          ...deps.publisherOptions,
          ...(log ? { logger: log.child({ component: 'whip' }) } : {}),
        });
        publisher = created.publisher;
        const session = sessions.add(channelId, publisher);
        publisher.onClose(() => sessions.remove(session.id));
        deps.sfu.addSource(publisher);
        deps.onPublish?.(publisher, channelId);
        log?.info({ channelId, session: session.id, codecs: publisher.codecs }, 'WHIP publish answered');
        return answerReply(reply, `${prefix}/whip/session/${session.id}`, session.etag, created.answer);
      } catch (error) {
        if (publisher) await publisher.close('failed');
        sessions.release(channelId);
        decision.release?.();
        throw error;
      }
    });
    app.options('/whip/:channel', preflight(COLLECTION_METHODS));
    app.route({
      method: OTHER_METHODS.filter((m) => m !== 'POST'),
      url: '/whip/:channel',
      handler: async () => {
        throw methodNotAllowed(COLLECTION_METHODS);
      },
    });

    app.delete('/whip/session/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      const session = sessions.remove(id);
      if (!session) throw noSession('WHIP');
      await session.publisher.close('deleted');
      return reply.code(200).send();
    });
    app.options('/whip/session/:id', preflight(SESSION_METHODS));
    app.route({
      method: OTHER_METHODS.filter((m) => m !== 'DELETE'),
      url: '/whip/session/:id',
      handler: async (request) => {
        const { id } = request.params as { id: string };
        if (!sessions.get(id)) throw noSession('WHIP');
        throw methodNotAllowed(SESSION_METHODS);
      },
    });

    // ---- WHEP ----
    app.post('/whep/:channel', async (request, reply) => {
      const { channel } = request.params as { channel: string };
      const offer = sdpBody(request.headers['content-type'], request.body);
      if (!CHANNEL.test(channel)) throw new HttpRefusal(404, 'NO_SUCH_CHANNEL', 'no such channel; check the link');
      const { id, answer } = await deps.sfu.subscribe(channel, { sdp: offer });
      const etag = `"${randomBytes(9).toString('base64url')}"`;
      return answerReply(reply, `${prefix}/whep/session/${id}`, etag, answer.sdp);
    });
    app.options('/whep/:channel', preflight(COLLECTION_METHODS));
    app.route({
      method: OTHER_METHODS.filter((m) => m !== 'POST'),
      url: '/whep/:channel',
      handler: async () => {
        throw methodNotAllowed(COLLECTION_METHODS);
      },
    });

    app.delete('/whep/session/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await deps.sfu.unsubscribe(id))) throw noSession('WHEP');
      return reply.code(200).send();
    });
    app.options('/whep/session/:id', preflight(SESSION_METHODS));
    app.route({
      method: OTHER_METHODS.filter((m) => m !== 'DELETE'),
      url: '/whep/session/:id',
      handler: async () => {
        throw methodNotAllowed(SESSION_METHODS);
      },
    });
  };
}

function noSession(kind: 'WHIP' | 'WHEP'): HttpRefusal {
  return new HttpRefusal(404, 'NO_SUCH_SESSION', `no such ${kind} session; it has ended or never existed`);
}

/**
 * Registers the WHIP/WHEP routes on `app` (call before `listen`). Returns the handle for shutdown and metrics.
 */
export function registerWebrtcRoutes(app: FastifyInstance, deps: WebrtcRoutesDeps): WebrtcRoutesHandle {
  const whipSessions = new WhipSessions();
  app.register(webrtcRoutes(deps, { whipSessions }));
  return {
    whipSessions,
    closeAll: async () => {
      await Promise.all(whipSessions.all().map((s) => s.publisher.close('shutdown')));
    },
  };
}
