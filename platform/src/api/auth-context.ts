import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../accounts/accounts.ts';
import { PlatformError } from '../errors.ts';

/** The browser's session cookie (HttpOnly, SameSite=Lax); API clients send the same token as a Bearer token. */
export const SESSION_COOKIE = 'glint_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, resolved once per request from the cookie or the Bearer token; null when anonymous. */
    user: AuthUser | null;
  }
}

/** The session token a request carries: `Authorization: Bearer …` first, else the session cookie. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  const cookies = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookies?.[SESSION_COOKIE] || undefined;
}

/** The signed-in user, or a 401 saying how to sign in. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (request.user) return request.user;
  throw new PlatformError(
    401,
    'UNAUTHENTICATED',
    'log in first: send the session cookie, or "Authorization: Bearer <token>" from POST /api/auth/login',
  );
}
