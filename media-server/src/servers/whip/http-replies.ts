/** HTTP details shared by the WHIP and WHEP routes: request checks and error replies. Pure where it can be. */
import type { Readable } from 'node:stream';
import { GlintError } from '@glint/media-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  NegotiationError,
  NoSourceError,
  OfferShapeError,
  SdpParseError,
  SfuClosedError,
  UnsupportedCodecError,
} from '../../sfu/errors.ts';

export const SDP_TYPE = 'application/sdp';
export const DEFAULT_MAX_SDP_BYTES = 64 * 1024;
/** An offer is a few KiB: the whole body must arrive within this long of the headers. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** A refusal the client can act on: an HTTP status, a stable code, one sentence. */
export class HttpRefusal extends GlintError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message);
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
  if (error instanceof OfferShapeError) return new HttpRefusal(400, error.code, error.message);
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

function tooLarge(maxBytes: number): HttpRefusal {
  return new HttpRefusal(
    413,
    'OFFER_TOO_LARGE',
    `the SDP offer is too large; send one offer of at most ${maxBytes} bytes`,
    // The rest of the body is not read: the connection cannot carry another request.
    { Connection: 'close' },
  );
}

/**
 * Reads a request body of at most `maxBytes` that must be complete within `timeoutMs`: a client trickling bytes
 * holds a socket and a buffer, and the server-wide request deadline is longer than an offer needs.
 */
export function readBody(
  body: Readable,
  limits: { readonly maxBytes: number; readonly timeoutMs: number; readonly declaredBytes?: number },
): Promise<Buffer> {
  if (limits.declaredBytes !== undefined && limits.declaredBytes > limits.maxBytes) {
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (error: Error | undefined) => {
      clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('aborted', onAborted);
      if (error) {
        // Keep consuming (and dropping) what still comes, so the refusal can be written and the socket closed.
        body.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks, bytes));
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = (error: Error) => finish(error);
    const onAborted = () =>
      finish(new HttpRefusal(400, 'BODY_ABORTED', 'the request was aborted before its body ended'));
    const timer = setTimeout(
      () =>
        finish(
          new HttpRefusal(
            408,
            'BODY_TIMEOUT',
            `the SDP offer did not arrive within ${Math.round(limits.timeoutMs / 1000)} s; send it in one request`,
            { Connection: 'close' },
          ),
        ),
      limits.timeoutMs,
    );
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('aborted', onAborted);
  });
}

export function sendRefusal(reply: FastifyReply, refusal: HttpRefusal): FastifyReply {
  return reply.code(refusal.status).headers(refusal.headers).send({ code: refusal.code, message: refusal.message });
}

export function methodNotAllowed(allow: string): HttpRefusal {
  return new HttpRefusal(405, 'METHOD_NOT_ALLOWED', `this resource accepts ${allow} only`, { Allow: allow });
}

export function corsHeaders(reply: FastifyReply): void {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Patch');
}

export function preflight(allow: string) {
  return async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(204)
      .header('Allow', allow)
      .header('Access-Control-Allow-Methods', allow)
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match')
      .header('Access-Control-Max-Age', '86400')
      .send();
}

export function answerReply(reply: FastifyReply, location: string, etag: string, sdp: string): FastifyReply {
  return reply.code(201).header('Location', location).header('ETag', etag).type(SDP_TYPE).send(sdp);
}

export function unauthorized(code: string, message: string, error?: string): HttpRefusal {
  return new HttpRefusal(401, code, message, {
    'WWW-Authenticate': error ? `Bearer realm="glint", error="${error}"` : 'Bearer realm="glint"',
  });
}
