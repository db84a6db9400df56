/**
 * A WHEP viewer's choice of video layer (the channel's ladder as the SFU offers it), without renegotiating:
 *   GET   /whep/:channel/layers   the channel's layers now: `{ layers: [{ id, width, height, bitrateKbps }] }`
 *                                 (empty while it is offline or has no ladder)
 *   PATCH /whep/session/:id       `{ "layer": "480p" }` pins the viewer to a layer, `{ "layer": null }` hands the
 *                                 choice back to its bandwidth; 204. Unknown layer 400, unknown session 404.
 * Both are cheap but anonymous: each address has its own token bucket for them, apart from the offers' one, so a
 * page reading the list does not spend the offers it may need to reconnect.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { sessionLogTag } from '../../sfu/session-log-tag.ts';
import { HttpRefusal, mediaType, methodNotAllowed } from './http-replies.ts';
import { OfferAdmission } from './offer-admission.ts';

/** One video layer as a viewer's menu shows it. */
export interface LayerSummary {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** A rung's configured rate, the source's measured one (0 while unknown). */
  readonly bitrateKbps: number;
}

/** What these routes need of the SFU (WeriftSfu has it). */
export interface ViewerLayers {
  videoLayers(channelId: string): readonly LayerSummary[];
  /** The channel a WHEP viewer watches; undefined when there is no such viewer. */
  viewerChannel(sessionId: string): string | undefined;
  /** False when there is no such viewer. */
  setViewerLayer(sessionId: string, layerId: string | null): boolean;
}

/** Builds ViewerLayers from an SFU that lists its viewers (WeriftSfu). */
export function viewerLayersOf(sfu: {
  videoLayers(channelId: string): readonly LayerSummary[];
  subscribers(): ReadonlyArray<{ readonly id: string; readonly channelId: string }>;
  setViewerLayer(id: string, layerId: string | null): boolean;
}): ViewerLayers {
  return {
    videoLayers: (channelId) => sfu.videoLayers(channelId),
    viewerChannel: (sessionId) => sfu.subscribers().find((s) => s.id === sessionId)?.channelId,
    setViewerLayer: (sessionId, layerId) => sfu.setViewerLayer(sessionId, layerId),
  };
}

export const JSON_TYPE = 'application/json';
/** RFC 9725's trickle-ICE PATCH: we do no trickle ICE, so that stays 405 as the RFC asks. */
const TRICKLE_TYPE = 'application/trickle-ice-sdpfrag';
/** Requests per address for layer lists and picks: a menu's clicks, a page's occasional refresh. */
const LAYER_REQUEST_LIMITS = { offerBurst: 30, offersPerSecond: 5 } as const;

/**
 * The layer a PATCH body picks: an id among `known`, or null for automatic. Throws the refusal to send (415 for
 * another body type, 400 for a body that is not `{ "layer": <known id> | null }`). Pure.
 */
export function parseLayerChoice(
  contentType: string | undefined,
  body: unknown,
  known: readonly string[],
): string | null {
  if (mediaType(contentType) !== JSON_TYPE) {
    throw new HttpRefusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send the layer as Content-Type: ${JSON_TYPE}, e.g. {"layer":"480p"} (got ${contentType ? `"${contentType}"` : 'none'})`,
      { 'Accept-Patch': JSON_TYPE },
    );
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badLayer('the body is not JSON; send {"layer":"480p"} or {"layer":null}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('layer' in parsed)) {
    throw badLayer('send {"layer":"480p"} to pick a layer, or {"layer":null} for automatic');
  }
  const { layer } = parsed as { layer: unknown };
  if (layer === null) return null;
  if (typeof layer !== 'string' || !known.includes(layer)) {
    const names = known.length > 0 ? known.join(', ') : 'none while the channel is offline';
    throw badLayer(
      `no such layer${typeof layer === 'string' ? ` "${layer.slice(0, 32)}"` : ''}; the channel has ${names}`,
    );
  }
  return layer;
}

function badLayer(message: string): HttpRefusal {
  return new HttpRefusal(400, 'BAD_LAYER', message);
}

export interface WhepLayerRoutesOptions {
  readonly layers: ViewerLayers;
  readonly channelPattern: RegExp;
  readonly noSession: () => HttpRefusal;
  readonly logger?: Logger | undefined;
}

/** Registers the two routes on the WebRTC plugin (whose body parser, CORS hook and error handler they share). */
export function registerWhepLayerRoutes(app: FastifyInstance, options: WhepLayerRoutesOptions): void {
  const { layers, channelPattern, noSession, logger: log } = options;
  const rate = new OfferAdmission(LAYER_REQUEST_LIMITS);
  const throttle = async (request: FastifyRequest) => {
    const taken = rate.takeOffer(request.ip);
    if (!taken.ok) {
      throw new HttpRefusal(429, 'RATE_LIMITED', `too many layer requests; wait ${taken.retryAfterSec} s`, {
        'Retry-After': String(taken.retryAfterSec),
      });
    }
  };

  app.get('/whep/:channel/layers', { onRequest: throttle }, async (request, reply) => {
    const { channel } = request.params as { channel: string };
    if (!channelPattern.test(channel)) throw new HttpRefusal(404, 'NO_SUCH_CHANNEL', 'no such channel; check the link');
    const list = layers.videoLayers(channel).map(({ id, width, height, bitrateKbps }) => ({
      id,
      width,
      height,
      bitrateKbps,
    }));
    return reply.header('Cache-Control', 'no-store').send({ layers: list });
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/whep/:channel/layers',
    handler: async () => {
      throw methodNotAllowed('GET, HEAD');
    },
  });

  app.patch('/whep/session/:id', { onRequest: throttle }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const channelId = layers.viewerChannel(id);
    if (channelId === undefined) throw noSession();
    if (mediaType(request.headers['content-type']) === TRICKLE_TYPE) {
      throw new HttpRefusal(405, 'NO_TRICKLE_ICE', 'this server does no trickle ICE: the answer has every candidate', {
        Allow: 'DELETE, PATCH, OPTIONS',
        'Accept-Patch': JSON_TYPE,
      });
    }
    const known = layers.videoLayers(channelId).map((l) => l.id);
    const layer = parseLayerChoice(request.headers['content-type'], request.body, known);
    if (!layers.setViewerLayer(id, layer)) throw noSession();
    log?.info({ channelId, session: sessionLogTag(id), layer: layer ?? 'auto' }, 'WHEP viewer layer chosen');
    return reply.code(204).send();
  });
}
