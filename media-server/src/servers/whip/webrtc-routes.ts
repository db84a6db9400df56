/**
 * WHIP (RFC 9725) ingest and WHEP viewing as one encapsulated Fastify plugin:
 *   POST   /whip/:channel        offer in (Bearer stream key), answer out, 201 + Location
 *   DELETE /whip/session/:id     ends the publish (Bearer: the same stream key)
 *   POST   /whep/:channel        anonymous viewer offer, answer out, 201 + Location; `?layer=<id>` pins the video
 *                                 layer (`source` or a ladder rung's name, e.g. `480p`) instead of choosing it by
 *                                 the viewer's bandwidth (REMB); a layer the channel lacks leaves the choice automatic
 *   DELETE /whep/session/:id     ends the viewer
 *   GET    /whep/:channel/layers the channel's video layers now (`{ layers: [{ id, width, height, bitrateKbps }] }`)
 *   PATCH  /whep/session/:id     `{"layer":"480p"}` (Content-Type: application/json) moves a live viewer to a layer
 *                                 at its next keyframe, `{"layer":null}` back to automatic; 204, 400 BAD_LAYER for a
 *                                 layer the channel lacks, 404 for no such session (see whep-layer-routes.ts)
 * No trickle ICE and no ICE restart: the answer carries every candidate (ICE-lite), so a trickle-ICE PATCH is 405
 * (RFC 9725 §4.3.1), and so is any PATCH on a WHIP session. OPTIONS answers CORS preflights so browser publishers can read Location and ETag.
 *
 * Anonymous clients are bounded before anything is allocated: offers per address (token bucket), sessions not yet
 * connected (per address and in total), the offer's shape (one audio and one video section, bundled), and the
 * time the body may take to arrive. Session ids are capabilities and stay out of logs (see sessionLogTag).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Publisher, type PublisherOptions } from '../../sfu/publisher.ts';
import { sessionLogTag } from '../../sfu/session-log-tag.ts';
import type { Sfu } from '../../sfu/types.ts';
import {
  answerReply,
  bearerToken,
  corsHeaders,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_SDP_BYTES,
  HttpRefusal,
  methodNotAllowed,
  preflight,
  readBody,
  sdpBody,
  sendRefusal,
  toRefusal,
  unauthorized,
} from './http-replies.ts';
import { NegotiationQueue } from './negotiation-queue.ts';
import { OfferAdmission, type OfferAdmissionLimits, type PendingLease } from './offer-admission.ts';
import { offerGate } from './offer-gate.ts';
import { registerWhepLayerRoutes, type ViewerLayers } from './whep-layer-routes.ts';
import { sessionKeyMatches, WhipSessions } from './whip-sessions.ts';

export type PublishAuthorization =
  | {
      readonly ok: true;
      readonly channelId: string;
      /** Called if the publish fails after authorization (bad SDP, negotiation): undo any reservation. */
      readonly release?: () => void;
    }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 409 | 429 | 503;
      readonly code: string;
      readonly message: string;
      /** With 429 and 503: when the caller may try again. */
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
  readonly onPublish?: (publisher: Publisher, channelId: string) => void;
  readonly publisherOptions?: PublisherOptions;
  readonly maxSdpBytes?: number;
  /** The whole offer must arrive within this long; default 10 s. */
  readonly bodyTimeoutMs?: number;
  /** Offer rate and not-yet-connected sessions per address and in total; defaults in offer-admission.ts. */
  readonly offerAdmission?: Partial<OfferAdmissionLimits>;
  /** The SFU's video layers per viewer: without it there is no layer list and PATCH on a viewer is 405. */
  readonly layers?: ViewerLayers;
  readonly logger?: Logger;
}

/** What the plugin exposes for metrics, tests and shutdown. */
export interface WebrtcRoutesHandle {
  readonly whipSessions: WhipSessions;
  readonly offerAdmission: OfferAdmission;
  /** Ends every WHIP publish (on shutdown); viewers go with `sfu.close()`. */
  closeAll(): Promise<void>;
}

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
/** A video layer id as a WHEP viewer may ask for it (`source`, or a rung name: see RungSpec.name). */
const LAYER = /^[A-Za-z0-9_-]{1,32}$/;
const SESSION_METHODS = 'DELETE, OPTIONS';
const WHEP_SESSION_METHODS = 'DELETE, PATCH, OPTIONS';
const COLLECTION_METHODS = 'POST, OPTIONS';
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST'] as const;

export function webrtcRoutes(
  deps: WebrtcRoutesDeps,
  handle: { whipSessions: WhipSessions; offerAdmission: OfferAdmission },
): FastifyPluginAsync {
  const maxSdpBytes = deps.maxSdpBytes ?? DEFAULT_MAX_SDP_BYTES;
  const bodyTimeoutMs = deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const log = deps.logger;
  const sessions = handle.whipSessions;
  const gate = offerGate(handle.offerAdmission, log);
  const negotiations = new NegotiationQueue();

  return async (app: FastifyInstance) => {
    // Every body arrives as bytes, bounded in size and in time; the handlers decide what a wrong Content-Type
    // means (415).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', async (request: FastifyRequest, payload: IncomingMessage) => {
      const declared = Number(request.headers['content-length']);
      return readBody(payload, {
        maxBytes: maxSdpBytes,
        timeoutMs: bodyTimeoutMs,
        ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
      });
    });
    app.addHook('onRequest', async (_request, reply) => corsHeaders(reply));
    app.setErrorHandler((error, request, reply) => {
      const refusal = toRefusal(error, maxSdpBytes);
      if (refusal) return sendRefusal(reply, refusal);
      // The route pattern, not the URL: a session URL holds the session id.
      log?.error({ err: error, route: request.routeOptions.url, method: request.method }, 'WebRTC request failed');
      return reply.code(500).send({ code: 'INTERNAL', message: 'internal error; try again, then report it' });
    });
    const prefix = app.prefix;

    // ---- WHIP ----
    app.post('/whip/:channel', { onRequest: gate.throttle }, async (request, reply) => {
      const { channel } = request.params as { channel: string };
      const token = bearerToken(request.headers.authorization);
      if (!token) throw unauthorized('MISSING_STREAM_KEY', 'send your stream key as "Authorization: Bearer <key>"');
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
      let lease: PendingLease;
      try {
        lease = gate.lease(request);
      } catch (error) {
        decision.release?.();
        throw error;
      }
      if (!sessions.reserve(channelId)) {
        decision.release?.();
        lease.release();
        throw new HttpRefusal(409, 'ALREADY_LIVE', `channel ${channel} is already live; stop the other encoder first`);
      }
      let publisher: Publisher | undefined;
      try {
        const created = await negotiations.run(() =>
          Publisher.create(channelId, offer, {
            ...deps.publisherOptions,
            ...(log ? { logger: log.child({ component: 'whip' }) } : {}),
          }),
        );
        publisher = created.publisher;
        publisher.onConnected(lease.release);
        const session = sessions.add(channelId, publisher, token);
        publisher.onClose(() => {
          lease.release();
          sessions.remove(session.id);
        });
        deps.sfu.addSource(publisher);
        deps.onPublish?.(publisher, channelId);
        log?.info(
          { channelId, session: sessionLogTag(session.id), publisher: publisher.id, codecs: publisher.codecs },
          'WHIP publish answered',
        );
        return answerReply(reply, `${prefix}/whip/session/${session.id}`, session.etag, created.answer);
      } catch (error) {
        lease.release();
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

    // RFC 9725 §4.3: DELETE is authenticated as the POST was; the session id alone is not enough.
    app.delete('/whip/session/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      const found = sessions.get(id);
      if (!found) throw noSession('WHIP');
      const token = bearerToken(request.headers.authorization);
      if (!token) {
        throw unauthorized('MISSING_STREAM_KEY', 'send the stream key that started the session as "Bearer <key>"');
      }
      if (!sessionKeyMatches(found, token)) {
        log?.warn({ channelId: found.channelId, session: sessionLogTag(id), ip: request.ip }, 'WHIP DELETE refused');
        throw unauthorized(
          'BAD_STREAM_KEY',
          'this is not the stream key that started the session; send that key',
          'invalid_token',
        );
      }
      const session = sessions.remove(id);
      await session?.publisher.close('deleted');
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
    app.post('/whep/:channel', { onRequest: gate.throttle }, async (request, reply) => {
      const { channel } = request.params as { channel: string };
      const offer = sdpBody(request.headers['content-type'], request.body);
      if (!CHANNEL.test(channel)) throw new HttpRefusal(404, 'NO_SUCH_CHANNEL', 'no such channel; check the link');
      const { layer } = request.query as { layer?: unknown };
      if (layer !== undefined && (typeof layer !== 'string' || !LAYER.test(layer))) {
        throw new HttpRefusal(400, 'BAD_LAYER', 'layer must be "source" or a quality name such as 480p');
      }
      const lease = gate.lease(request);
      let subscribed: Awaited<ReturnType<Sfu['subscribe']>>;
      try {
        subscribed = await negotiations.run(() =>
          deps.sfu.subscribe(channel, { sdp: offer }, { onSettled: lease.release, ...(layer ? { layer } : {}) }),
        );
      } catch (error) {
        lease.release();
        throw error;
      }
      const { id, answer } = subscribed;
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
    const layers = deps.layers;
    const viewerMethods = layers ? WHEP_SESSION_METHODS : SESSION_METHODS;
    if (layers) {
      registerWhepLayerRoutes(app, {
        layers,
        channelPattern: CHANNEL,
        noSession: () => noSession('WHEP'),
        logger: log,
      });
    }
    app.options('/whep/session/:id', preflight(viewerMethods));
    app.route({
      method: OTHER_METHODS.filter((m) => m !== 'DELETE' && !(layers && m === 'PATCH')),
      url: '/whep/session/:id',
      handler: async () => {
        throw methodNotAllowed(viewerMethods);
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
  const offerAdmission = new OfferAdmission(deps.offerAdmission);
  app.register(webrtcRoutes(deps, { whipSessions, offerAdmission }));
  return {
    whipSessions,
    offerAdmission,
    closeAll: async () => {
      await Promise.all(whipSessions.all().map((s) => s.publisher.close('shutdown')));
    },
  };
}
