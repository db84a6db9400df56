import type { FastifyReply } from 'fastify';

/**
 * Headers for every HTML page: a Content-Security-Policy that runs only script and style files from this origin (no
 * inline code at all: the watch page's script and style are files built from player/), lets hls.js use blob: workers
 * and MediaSource, fetch only from this origin, and forbids framing (no embeds yet; an embed page will opt in with
 * its own frame-ancestors).
 */
export function htmlSecurityHeaders(reply: FastifyReply): void {
  reply
    .header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer');
}
