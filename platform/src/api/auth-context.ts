import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser, Session } from '../accounts/accounts.ts';
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
  return bearerToken(request) ?? cookieToken(request);
}

export function bearerToken(request: { readonly headers: IncomingHttpHeaders }): string | undefined {
  const header = request.headers.authorization;
  return header !== undefined && /^bearer /i.test(header)
    ? header.slice('Bearer '.length).trim() || undefined
    : undefined;
}

/**
 * The session token of a request that went past Fastify's cookie parsing (a WebSocket upgrade handled by a bare
 * node:http server, as a chat pod is): the Bearer token first, else the session cookie read from the Cookie header.
 */
export function sessionTokenOfHeaders(request: { readonly headers: IncomingHttpHeaders }): string | undefined {
  const bearer = bearerToken(request);
  if (bearer !== undefined) return bearer;
  const cookie = request.headers.cookie;
  if (cookie === undefined) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function cookieToken(request: FastifyRequest): string | undefined {
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

/**
 * HttpOnly keeps the token from page scripts; SameSite=Lax keeps other sites' forms from posting with it (and the API
 * takes JSON only, which a cross-site form cannot send); Secure when the site is served over HTTPS.
 */
function cookieAttributes(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure } as const;
}

/**
 * Sets the session cookie to live as long as the session: its TTL in whole seconds, rounded up (the reply goes out a
 * few ms after the session began, and a cookie that outlives its session by under a second is refused anyway).
 */
export function setSessionCookie(reply: FastifyReply, session: Session, nowMs: number, secure: boolean): void {
  const maxAge = Math.max(0, Math.ceil((session.expiresAt - nowMs) / 1000));
  reply.setCookie(SESSION_COOKIE, session.token, { ...cookieAttributes(secure), maxAge });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieAttributes(secure));
}
