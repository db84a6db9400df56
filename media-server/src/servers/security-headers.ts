import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * Headers for every HTML page: a Content-Security-Policy that runs only our own scripts (and inline ones carrying
 * this response's nonce), lets hls.js use blob: workers and MediaSource, fetch only from this origin, and forbids
 * framing (no embeds yet; an embed page will opt in with its own frame-ancestors). Returns the nonce to put on the
 * page's <script> and <style> tags.
 */
export function htmlSecurityHeaders(reply: FastifyReply): string {
  const nonce = randomBytes(16).toString('base64');
  reply
    .header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        `style-src 'self' 'nonce-${nonce}'`,
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
  return nonce;
}
