import { createHash } from 'node:crypto';
import { addressGroup } from '@glint/media-core';

/** The watch page sends this header with every playlist request: a random id per page load. */
export const VIEWER_HEADER = 'x-glint-viewer';
const VIEWER_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Who asked for a playlist: the player's own id when it sends one (`X-Glint-Viewer`, or `?viewer=` for players that
 * cannot set headers), else its address and user agent (plain HTTP pollers), hashed so no address is kept.
 */
export function viewerId(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
  remoteAddress: string,
): string {
  const header = headers[VIEWER_HEADER];
  const given = (typeof header === 'string' ? header : undefined) ?? query.get('viewer') ?? undefined;
  if (given !== undefined && VIEWER_ID.test(given)) return `v:${given}`;
  const agent = typeof headers['user-agent'] === 'string' ? headers['user-agent'] : '';
  return `a:${createHash('sha1')
    .update(`${addressGroup(remoteAddress)}|${agent}`)
    .digest('base64url')}`;
}
