/**
 * Edge SFUs' viewer counts, on the origin:
 *   PUT /whep/session/:id/audience   `{ "viewers": 120 }` with `Authorization: Bearer <GLINT_EDGE_TOKEN>`: the
 *                                    WHEP session :id (an edge's upstream) stands for that many viewers; 204.
 * 403 without the token (or when the origin has none), before the body is read; 413 for a body over 1 KiB; 404 for no
 * such session, 400 for a body that is not a count.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { EdgeAudience } from '../../audience/edge-audience.ts';
import { sessionLogTag } from '../../sfu/session-log-tag.ts';
import { bearerToken, HttpRefusal, mediaType, sendRefusal, toRefusal } from './http-replies.ts';

/** `{"viewers":1000000}` is 20 bytes: a report needs no more than this. */
const REPORT_BODY_LIMIT_BYTES = 1024;

export interface EdgeAudienceRouteOptions {
  readonly audience: EdgeAudience;
  /** GLINT_EDGE_TOKEN; undefined: every report is refused. */
  readonly token: string | undefined;
  /** The channel a WHEP session watches; undefined when there is no such session. */
  readonly sessionChannel: (sessionId: string) => string | undefined;
  readonly logger?: Logger;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerEdgeAudienceRoute(app: FastifyInstance, options: EdgeAudienceRouteOptions): void {
  // The token is checked before the body is read: an anonymous body is never buffered or parsed (a 60 KB deeply
  // nested JSON costs the event loop ~3 ms to parse, and an anonymous flood of them slowed every other request).
  const edgeOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    const given = bearerToken(request.headers.authorization);
    if (options.token && given && sameSecret(given, options.token)) return;
    return sendRefusal(
      reply,
      new HttpRefusal(
        403,
        'EDGE_TOKEN_REQUIRED',
        options.token
          ? 'send the edge token (GLINT_EDGE_TOKEN) as a Bearer token'
          : 'this origin takes no edge viewer counts: set GLINT_EDGE_TOKEN on it and on its edges',
        // The body is left unread: the connection is closed rather than drained.
        { Connection: 'close' },
      ),
    );
  };
  const route = { onRequest: edgeOnly, bodyLimit: REPORT_BODY_LIMIT_BYTES };
  app.put('/whep/session/:id/audience', route, async (request, reply) => {
    try {
      const { id } = request.params as { id: string };
      const channelId = options.sessionChannel(id);
      if (channelId === undefined) throw new HttpRefusal(404, 'NO_SUCH_SESSION', 'no such WHEP session');
      const body = request.body as { viewers?: unknown } | undefined;
      const viewers = mediaType(request.headers['content-type']) === 'application/json' ? body?.viewers : undefined;
      if (typeof viewers !== 'number' || !options.audience.report(id, channelId, viewers, Date.now())) {
        throw new HttpRefusal(
          400,
          'BAD_AUDIENCE',
          'send Content-Type: application/json and {"viewers": <whole number>}',
        );
      }
      options.logger?.debug({ channelId, session: sessionLogTag(id), viewers }, 'edge viewer count');
      return reply.code(204).send();
    } catch (error) {
      const refusal = toRefusal(error);
      if (!refusal) throw error;
      return sendRefusal(reply, refusal);
    }
  });
}
