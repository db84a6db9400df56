/** HTTP details shared by the WHIP and WHEP routes: request checks and error replies. Pure where it can be. */
import type { FastifyReply } from 'fastify';
import {
  NegotiationError,
  NoSourceError,
  SdpParseError,
  SfuClosedError,
  UnsupportedCodecError,
} from '../../sfu/errors.ts';

export const SDP_TYPE = 'application/sdp';
export const DEFAULT_MAX_SDP_BYTES = 64 * 1024;

/** A refusal the client can act on: an HTTP status, a stable code, one sentence. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  return m?.[1];
}

/** The media type without parameters, lower-cased: 'application/sdp; charset=utf-8' → 'application/sdp'. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Checks the body of an offer POST and returns it as text. */
export function sdpBody(contentType: string | undefined, body: unknown): string {
  if (mediaType(contentType) !== SDP_TYPE) {
    throw new HttpRefusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send the SDP offer with Content-Type: ${SDP_TYPE} (got ${contentType ? `"${contentType}"` : 'none'})`,
      { Accept: SDP_TYPE },
    );
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  if (text.trim() === '')
    throw new HttpRefusal(400, 'EMPTY_OFFER', 'the request body must be an SDP offer; it was empty');
  return text;
}

/** Maps SFU errors to HTTP; anything unknown is a 500 whose detail is logged, not shown. */
export function toRefusal(error: unknown, maxSdpBytes = DEFAULT_MAX_SDP_BYTES): HttpRefusal | undefined {
  if (error instanceof HttpRefusal) return error;
  if (error instanceof SdpParseError) return new HttpRefusal(400, error.code, `malformed SDP offer: ${error.message}`);
  if (error instanceof NegotiationError) return new HttpRefusal(400, error.code, error.message);
  // 406 as the brief's convention for "nothing in your offer we can use"; the message names what to change.
  if (error instanceof UnsupportedCodecError) return new HttpRefusal(406, error.code, error.message);
  if (error instanceof NoSourceError) return new HttpRefusal(404, error.code, error.message);
  if (error instanceof SfuClosedError) return new HttpRefusal(503, error.code, error.message, { 'Retry-After': '5' });
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (fastify.statusCode === 413) {
    return new HttpRefusal(
      413,
      'OFFER_TOO_LARGE',
      `the SDP offer is too large; send one offer of at most ${maxSdpBytes} bytes`,
    );
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new HttpRefusal(fastify.statusCode, fastify.code ?? 'BAD_REQUEST', fastify.message ?? 'bad request');
  }
  return undefined;
}

export function sendRefusal(reply: FastifyReply, refusal: HttpRefusal): FastifyReply {
  return reply.code(refusal.status).headers(refusal.headers).send({ code: refusal.code, message: refusal.message });
}

export function methodNotAllowed(allow: string): HttpRefusal {
  return new HttpRefusal(405, 'METHOD_NOT_ALLOWED', `this resource accepts ${allow} only`, { Allow: allow });
}
